import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeGcp, startFakeGcp } from "@/lib/clouds/fakes/gcp";
import { fixedTokenClient, gcpTarget } from "@/lib/clouds/fakes/gcp/testing";
import type { BindingSpec } from "@/lib/clouds/port";
import { testRoleSpec } from "@/lib/testing/role-spec";
import { type GcpAdapterConfig, gcpAdapter } from "./index";
import {
  MAX_TROUBLESHOOT_PERMISSIONS,
  TROUBLESHOOT_PATH,
  troubleshooterApi,
  troubleshootPlan,
  troubleshootRequest,
  troubleshootResource,
} from "./troubleshoot";

// The cloud's own check after bind (issue 14, point 6) on GCP: Policy Troubleshooter v3, which answers for
// the principal named in the request, over the allow policies (and deny policies) of the resource.
// https://cloud.google.com/policy-intelligence/docs/reference/policytroubleshooter/rest/v3/iam/troubleshoot
let fake: FakeGcp;
beforeAll(async () => {
  fake = await startFakeGcp();
});
afterAll(() => fake.stop());

const BUCKET = "orders-reports";
const OBJECTS = "storage.googleapis.com/Object";

async function setup(over: Partial<GcpAdapterConfig> = {}, resource: string | null = BUCKET) {
  const project = `proj-${randomUUID().slice(0, 8)}`;
  const target = gcpTarget(project);
  // Cloud Storage names say `projects/_`: tell the fake which project the bucket lives in.
  fake.state.bucketProjects.set(BUCKET, project);
  fake.state.bucketProjects.set(`${BUCKET}-archive`, project);
  const config: GcpAdapterConfig = {
    authClient: fixedTokenClient(),
    iamUrl: fake.url,
    resourceManagerUrl: fake.url,
    troubleshooterUrl: fake.url,
    retry: { baseDelayMs: 5 },
    ...over,
  };
  const spec = testRoleSpec({
    cloud: "gcp",
    permissions: ["storage.buckets.get", "storage.objects.get", "storage.objects.list"],
    resource,
    resourceKind: resource ? "bucket" : null,
    accountId: project,
  });
  const adapter = gcpAdapter(config);
  await adapter.ensureRole(target, spec);
  const b: BindingSpec = {
    grantId: randomUUID(),
    orgId: target.orgId,
    roleName: spec.roleName,
    principal: "bob@example.com",
    notAfter: new Date(Date.now() + 30 * 60_000),
    ...(spec.binding.resourceCondition ? { condition: spec.binding.resourceCondition } : {}),
  };
  const { bindingId } = await adapter.bind(target, b);
  return { project, target, config, spec, adapter, binding: { ...b, bindingId } };
}

/** One raw troubleshoot call through the same REST client the adapter uses. */
const ask = (email: string, permission: string, type: string, name: string, at = new Date()) =>
  troubleshooterApi(
    fixedTokenClient(),
    fake.url,
    5_000,
  )(troubleshootRequest(email, permission, troubleshootResource(type, name), at));

describe("GCP checkAccess: Policy Troubleshooter for the grant's principal", () => {
  it("allows the role's permissions on the named bucket and its objects, and keeps Google's answers and request ids", async () => {
    const { target, adapter, spec, binding } = await setup();
    const before = fake.calls.length;
    const evidence = await adapter.checkAccess?.(target, binding, spec);
    expect(evidence).toMatchObject({
      checker: "gcp:policytroubleshooter.iam.troubleshoot",
      principal: "user:bob@example.com",
      permissions: 3,
    });
    expect(evidence?.checks).toEqual([
      {
        permission: "storage.buckets.get",
        resource: `//storage.googleapis.com/projects/_/buckets/${BUCKET}`,
        allowed: true,
        decision: "CAN_ACCESS",
      },
      {
        permission: "storage.objects.get",
        resource: `//storage.googleapis.com/projects/_/buckets/${BUCKET}/objects/example`,
        allowed: true,
        decision: "CAN_ACCESS",
      },
      {
        // Listing objects is checked on the bucket (gcp-conditions.ts, LISTED_ON).
        permission: "storage.objects.list",
        resource: `//storage.googleapis.com/projects/_/buckets/${BUCKET}`,
        allowed: true,
        decision: "CAN_ACCESS",
      },
    ]);
    const calls = fake.calls.slice(before).filter((c) => c.path === TROUBLESHOOT_PATH);
    expect(calls).toHaveLength(3);
    expect(new Set(evidence?.requestIds)).toEqual(new Set(calls.map((c) => c.requestId)));
    // What went on the wire: the principal as an e-mail address, the full resource name, the context.
    expect(calls.map((c) => c.body)).toContainEqual({
      accessTuple: {
        principal: "bob@example.com",
        fullResourceName: `//storage.googleapis.com/projects/_/buckets/${BUCKET}/objects/example`,
        permission: "storage.objects.get",
        conditionContext: {
          resource: {
            service: "storage.googleapis.com",
            name: `projects/_/buckets/${BUCKET}/objects/example`,
            type: OBJECTS,
          },
          request: { receiveTime: expect.any(String) },
        },
      },
    });
  });

  it("denies the same permission on a prefix sibling bucket's objects, and for another principal", async () => {
    await setup();
    const sibling = await ask(
      "bob@example.com",
      "storage.objects.get",
      OBJECTS,
      `projects/_/buckets/${BUCKET}-archive/objects/q1.csv`,
    );
    expect(sibling.overallAccessState).toBe("CANNOT_ACCESS");
    const own = await ask(
      "bob@example.com",
      "storage.objects.get",
      OBJECTS,
      `projects/_/buckets/${BUCKET}/objects/q1.csv`,
    );
    expect(own.overallAccessState).toBe("CAN_ACCESS");
    const other = await ask(
      "eve@example.com",
      "storage.objects.get",
      OBJECTS,
      `projects/_/buckets/${BUCKET}/objects/q1.csv`,
    );
    expect(other.overallAccessState).toBe("CANNOT_ACCESS");
  });

  it("answers CANNOT_ACCESS once the binding's expiry has passed (condition evaluated at the request time)", async () => {
    const { target, config, spec, binding } = await setup();
    const later = gcpAdapter({ ...config, now: () => binding.notAfter.getTime() + 1_000 });
    const evidence = await later.checkAccess?.(target, binding, spec);
    expect(evidence?.checks.map((c) => [c.allowed, c.decision])).toEqual([
      [false, "CANNOT_ACCESS"],
      [false, "CANNOT_ACCESS"],
      [false, "CANNOT_ACCESS"],
    ]);
    // One millisecond before the expiry it is still allowed.
    const before = gcpAdapter({ ...config, now: () => binding.notAfter.getTime() - 1 });
    const still = await before.checkAccess?.(target, binding, spec);
    expect(still?.checks.every((c) => c.allowed)).toBe(true);
  });

  it("after unbind the principal cannot access: the check reads the policy in force, not Elevate's records", async () => {
    const { target, adapter, spec, binding } = await setup();
    await adapter.unbind(target, binding.bindingId);
    const evidence = await adapter.checkAccess?.(target, binding, spec);
    expect(evidence?.checks.every((c) => c.decision === "CANNOT_ACCESS")).toBe(true);
  });

  it("asks a project-wide grant on the project", async () => {
    const { target, adapter, spec, binding, project } = await setup({}, null);
    const evidence = await adapter.checkAccess?.(target, binding, spec);
    expect(evidence?.checks.map((c) => [c.resource, c.decision])).toEqual([
      [`//cloudresourcemanager.googleapis.com/projects/${project}`, "CAN_ACCESS"],
      [`//cloudresourcemanager.googleapis.com/projects/${project}`, "CAN_ACCESS"],
      [`//cloudresourcemanager.googleapis.com/projects/${project}`, "CAN_ACCESS"],
    ]);
  });

  it("a refused request fails as a classified CloudError (the caller stores it as an error)", async () => {
    const { target, adapter, spec, binding } = await setup();
    fake.injectFault({ match: TROUBLESHOOT_PATH, status: 403, times: 10 });
    await expect(adapter.checkAccess?.(target, binding, spec)).rejects.toMatchObject({
      name: "CloudError",
      kind: "permanent",
      message: expect.stringMatching(/^gcp troubleshoot: 403/),
    });
  });
});

describe("troubleshootPlan", () => {
  it("names the secret and its versions as the binding condition does, and the project for lists", () => {
    const spec = testRoleSpec({
      cloud: "gcp",
      permissions: [
        "secretmanager.secrets.get",
        "secretmanager.versions.access",
        "secretmanager.secrets.list",
      ],
      resource: "orders-db-password",
      resourceKind: "secret",
      accountId: "acme-prod-1",
    });
    expect(
      troubleshootPlan(spec, "acme-prod-1").map((p) => [p.permission, p.resource.fullResourceName]),
    ).toEqual([
      [
        "secretmanager.secrets.get",
        "//secretmanager.googleapis.com/projects/acme-prod-1/secrets/orders-db-password",
      ],
      ["secretmanager.secrets.list", "//cloudresourcemanager.googleapis.com/projects/acme-prod-1"],
      [
        "secretmanager.versions.access",
        "//secretmanager.googleapis.com/projects/acme-prod-1/secrets/orders-db-password/versions/example",
      ],
    ]);
  });

  it(`asks at most ${MAX_TROUBLESHOOT_PERMISSIONS} permissions`, () => {
    const spec = testRoleSpec({
      cloud: "gcp",
      permissions: ["compute.instances.*"],
      resource: null,
      accountId: "acme-prod-1",
    });
    expect(spec.permissions.length).toBeGreaterThan(MAX_TROUBLESHOOT_PERMISSIONS);
    expect(troubleshootPlan(spec, "acme-prod-1")).toHaveLength(MAX_TROUBLESHOOT_PERMISSIONS);
  });
});
