import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RoleSpec } from "@/db/schema";
import { type FakeGcp, startFakeGcp } from "@/lib/clouds/fakes/gcp";
import { callFake, fixedTokenClient, gcpTarget } from "@/lib/clouds/fakes/gcp/testing";
import { gcpAdapter } from "./adapter";
import { v2Permission, v2Principal } from "./deny";

// IAM v2 deny policies through @google-cloud/iam against the wire fake. Semantics as documented:
// deny policies are evaluated before allow policies, so a denied permission is denied whatever role grants
// it (https://cloud.google.com/iam/docs/deny-overview#policy-eval); permissions are written
// SERVICE_FQDN/RESOURCE.ACTION (https://cloud.google.com/iam/docs/deny-permissions-support) and users as
// principal://goog/subject/EMAIL (https://cloud.google.com/iam/docs/principal-identifiers).
let fake: FakeGcp;
beforeAll(async () => {
  fake = await startFakeGcp();
});
afterAll(() => fake.stop());

const spec: RoleSpec = {
  cloud: "gcp",
  permissions: ["logging.logEntries.list", "logging.logs.list"],
  resource: null,
  hash: "dea1dea1",
  roleName: "elevate_dea1dea1",
  document: {},
};

describe("GCP deny policies (freeze)", () => {
  it("deny beats an existing allow binding for exactly the denied permissions, until removed", async () => {
    const target = gcpTarget(`proj-${randomUUID().slice(0, 8)}`);
    const adapter = gcpAdapter({
      authClient: fixedTokenClient(),
      iamUrl: fake.url,
      resourceManagerUrl: fake.url,
      retry: { baseDelayMs: 5 },
    });
    await adapter.ensureRole(target, spec);
    await adapter.bind(target, {
      grantId: randomUUID(),
      orgId: target.orgId,
      roleName: spec.roleName,
      principal: "bob@example.com",
      notAfter: new Date(Date.now() + 30 * 60_000),
    });
    const can = (p: string) => fake.state.canAccess(target.externalId, "user:bob@example.com", p);
    expect(can("logging.logs.list")).toBe(true);
    expect(can("logging.logEntries.list")).toBe(true);

    const policyId = `elevate-freeze-${randomUUID()}`;
    const deny = { policyId, principal: "bob@example.com", permissions: ["logging.logs.list"] };
    const made = await adapter.denyPrincipal!(target, deny);
    expect(made.policyName).toBe(
      `policies/cloudresourcemanager.googleapis.com%2Fprojects%2F${target.externalId}/denypolicies/${policyId}`,
    );
    expect(can("logging.logs.list")).toBe(false);
    expect(can("logging.logEntries.list")).toBe(true);
    expect(fake.state.canAccess(target.externalId, "user:alice@example.com", "logging.logs.list")).toBe(
      false,
    );
    // Creating it again is success (ALREADY_EXISTS), as every adapter call is idempotent.
    expect((await adapter.denyPrincipal!(target, deny)).policyName).toBe(made.policyName);

    await adapter.removeDeny!(target, made.policyName);
    expect(can("logging.logs.list")).toBe(true);
    // Removing it again is success (NOT_FOUND).
    await adapter.removeDeny!(target, made.policyName);
  });

  it("the fake refuses v1-style permissions and malformed principals, as the API does", async () => {
    // As the documentation's curl examples send it: the attachment point URL-encoded once.
    const parent = `/v2/policies/${encodeURIComponent("cloudresourcemanager.googleapis.com/projects/p-1")}/denypolicies`;
    const rule = (deniedPrincipals: string[], deniedPermissions: string[]) => ({
      rules: [{ denyRule: { deniedPrincipals, deniedPermissions } }],
    });
    const v1 = await callFake(
      fake.url,
      "POST",
      `${parent}?policyId=bad-1`,
      rule([v2Principal("bob@example.com")], ["logging.logs.list"]),
    );
    expect(v1.status).toBe(400);
    const member = await callFake(
      fake.url,
      "POST",
      `${parent}?policyId=bad-2`,
      rule(["user:bob@example.com"], [v2Permission("logging.logs.list")]),
    );
    expect(member.status).toBe(400);
    expect(v2Permission("compute.instances.get")).toBe("compute.googleapis.com/instances.get");
    expect(v2Principal("serviceAccount:sa@p.iam.gserviceaccount.com")).toBe(
      "principal://iam.googleapis.com/projects/-/serviceAccounts/sa@p.iam.gserviceaccount.com",
    );
  });
});
