import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeGcp, startFakeGcp } from "./index";
import { callFake } from "./testing";

// The fake's Policy Troubleshooter v3 endpoint, against the documented request and response shape:
// https://cloud.google.com/policy-intelligence/docs/reference/policytroubleshooter/rest/v3/iam/troubleshoot
// (AccessTuple: principal e-mail, fullResourceName, permission, conditionContext; response:
// overallAccessState, allowPolicyExplanation.explainedPolicies[].bindingExplanations[], denyPolicyExplanation).
const PATH = "/v3/locations/global:troubleshoot";
const PROJECT = "acme-trouble-1";
const ROLE = `projects/${PROJECT}/roles/elevate_reader`;
const EXPIRY = "2030-01-01T00:00:00Z";

let fake: FakeGcp;
beforeAll(async () => {
  fake = await startFakeGcp();
  const create = await callFake(fake.url, "POST", `/v1/projects/${PROJECT}/roles`, {
    roleId: "elevate_reader",
    role: { title: "r", includedPermissions: ["storage.objects.get", "compute.instances.get"], stage: "GA" },
  });
  expect(create.status).toBe(200);
  const set = await callFake(fake.url, "POST", `/v3/projects/${PROJECT}:setIamPolicy`, {
    policy: {
      version: 3,
      bindings: [
        {
          role: ROLE,
          members: ["user:bob@example.com"],
          condition: {
            title: "elevate:g1",
            expression: `request.time < timestamp('${EXPIRY}') && (resource.name.startsWith('projects/_/buckets/orders/objects/'))`,
          },
        },
      ],
    },
  });
  expect(set.status).toBe(200);
  fake.state.bucketProjects.set("orders", PROJECT);
  fake.state.bucketProjects.set("orders-archive", PROJECT);
});
afterAll(() => fake.stop());

const ask = (accessTuple: Record<string, unknown>) => callFake(fake.url, "POST", PATH, { accessTuple });
const tuple = (over: Record<string, unknown> = {}) => ({
  principal: "bob@example.com",
  fullResourceName: "//storage.googleapis.com/projects/_/buckets/orders/objects/q1.csv",
  permission: "storage.objects.get",
  conditionContext: { request: { receiveTime: "2029-06-01T00:00:00Z" } },
  ...over,
});

describe("fake Policy Troubleshooter", () => {
  it("CAN_ACCESS with the binding that grants it explained (role includes the permission, member matched, condition true)", async () => {
    const r = await ask(tuple());
    expect(r.status).toBe(200);
    expect(r.body.overallAccessState).toBe("CAN_ACCESS");
    const policy = (
      r.body.allowPolicyExplanation as { explainedPolicies: { bindingExplanations: unknown[] }[] }
    ).explainedPolicies[0];
    expect(policy.bindingExplanations).toEqual([
      expect.objectContaining({
        allowAccessState: "ALLOW_ACCESS_STATE_GRANTED",
        role: ROLE,
        rolePermission: "ROLE_PERMISSION_INCLUDED",
        combinedMembership: { membership: "MEMBERSHIP_MATCHED" },
        conditionExplanation: { value: true },
      }),
    ]);
    expect(r.body.denyPolicyExplanation).toMatchObject({ denyAccessState: "DENY_ACCESS_STATE_NOT_DENIED" });
  });

  it("CANNOT_ACCESS on a prefix sibling bucket, after the expiry, for another principal, for a permission the role lacks", async () => {
    const sibling = await ask(
      tuple({
        fullResourceName: "//storage.googleapis.com/projects/_/buckets/orders-archive/objects/q1.csv",
      }),
    );
    const late = await ask(tuple({ conditionContext: { request: { receiveTime: "2030-01-01T00:00:01Z" } } }));
    const other = await ask(tuple({ principal: "eve@example.com" }));
    const lacking = await ask(tuple({ permission: "storage.objects.delete" }));
    expect(sibling.body.overallAccessState).toBe("CANNOT_ACCESS");
    expect(late.body.overallAccessState).toBe("CANNOT_ACCESS");
    expect(other.body.overallAccessState).toBe("CANNOT_ACCESS");
    expect(lacking.body.overallAccessState).toBe("CANNOT_ACCESS");
  });

  it("UNKNOWN_CONDITIONAL when a condition needs resource attributes the request does not give", async () => {
    // An unknown name form with no conditionContext.resource: the condition cannot be evaluated.
    const r = await ask(
      tuple({
        fullResourceName: `//pubsub.googleapis.com/projects/${PROJECT}/topics/orders`,
        permission: "storage.objects.get",
      }),
    );
    expect(r.status).toBe(200);
    expect(r.body.overallAccessState).toBe("UNKNOWN_CONDITIONAL");
  });

  it("refuses malformed tuples with 400 INVALID_ARGUMENT, naming the field", async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ principal: "user:bob@example.com" }, /principal/],
      [{ principal: "" }, /principal/],
      [{ permission: "storage objects get" }, /permission/],
      [{ permission: "" }, /permission/],
      [{ fullResourceName: "projects/_/buckets/orders" }, /fullResourceName/],
      [{ conditionContext: { request: { receiveTime: "yesterday" } } }, /receiveTime/],
    ];
    for (const [over, field] of cases) {
      const r = await ask(tuple(over));
      expect(r.status).toBe(400);
      expect(r.body.error.status).toBe("INVALID_ARGUMENT");
      expect(r.body.error.message).toMatch(field);
    }
  });

  it("answers 404 NOT_FOUND for a resource in a project it does not hold", async () => {
    const r = await ask(
      tuple({ fullResourceName: "//compute.googleapis.com/projects/nowhere-9/zones/z/instances/i" }),
    );
    expect(r.status).toBe(404);
    expect(r.body.error.status).toBe("NOT_FOUND");
  });
});
