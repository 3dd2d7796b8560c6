import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import type { RoleSpec } from "@/db/schema";
import { type FakeIam, startFakeIam } from "@/lib/clouds/fakes/aws-iam";
import type { CloudAdapter, TargetRow } from "@/lib/clouds/port";
import { openTestDb } from "@/lib/testing/db";
import { cloudCheckEvidence } from "../cloud-check";
import { awsFakeOrg, clearEnvVars, previewThenProvision, revoke } from "./wire-helpers";

// Issue 14, point 6: after bind, the cloud's own check (AWS SimulatePrincipalPolicy) is kept with the grant.
const ACCOUNT = "123456789012";
const KEY_ID = "AKIAELEVATEWIRE00002";

let h: DbHandle;
let iam: FakeIam;
beforeAll(async () => {
  [h, iam] = await Promise.all([openTestDb(), startFakeIam({ accountId: ACCOUNT, accessKeyId: KEY_ID })]);
});
afterAll(async () => Promise.all([h?.close(), iam?.stop()]));
afterEach(() => {
  clearEnvVars();
  iam.clearFaults();
});

const awsOrg = () => awsFakeOrg(h.db, iam, { name: "aws-cloud-check", account: ACCOUNT, keyId: KEY_ID });

const request = (targetId: string) => ({ targetId, templateKey: "bucket.read", resource: "orders-reports" });

describe("provisioning keeps the cloud's own access check as evidence", () => {
  it("AWS: evidence.provision.cloudCheck holds IAM's SimulatePrincipalPolicy answers for the grant's role", async () => {
    const { org, target } = await awsOrg();
    const { grantId, outcome, grant } = await previewThenProvision(h.db, org, request(target.id));
    expect(outcome.status).toBe("active");
    const check = grant.evidence.provision?.cloudCheck as {
      checker: string;
      principal: string;
      requestIds: string[];
      checks: { permission: string; resource: string; allowed: boolean; decision: string }[];
    };
    expect(check.checker).toBe("aws:SimulatePrincipalPolicy");
    expect(check.principal).toBe(`arn:aws:iam::${ACCOUNT}:role/elevate/${org.org.id}/elevate-${grantId}`);
    expect(check.checks.length).toBeGreaterThan(0);
    expect(check.checks.every((c) => c.allowed && c.decision === "allowed")).toBe(true);
    // The bucket's objects, asked on a concrete object ARN of the named bucket.
    expect(check.checks).toContainEqual({
      permission: "s3:GetObject",
      resource: "arn:aws:s3:::orders-reports/example",
      allowed: true,
      decision: "allowed",
    });
    // Every request id is one the fake answered to SimulatePrincipalPolicy or GetRole.
    const answered = new Map(iam.state.calls.map((c) => [c.requestId, c.action]));
    expect(new Set(check.requestIds.map((id) => answered.get(id)))).toEqual(
      new Set(["GetRole", "SimulatePrincipalPolicy"]),
    );
    await revoke(h.db, org.org.id, grantId);
  });

  it("AWS: a failing simulation is stored as an error and the grant is active all the same", async () => {
    const { org, target } = await awsOrg();
    iam.injectFault({ action: "SimulatePrincipalPolicy", code: "AccessDenied", status: 403, times: 10 });
    const { grantId, outcome, grant } = await previewThenProvision(h.db, org, request(target.id));
    expect(outcome).toMatchObject({ status: "active", lastError: null });
    expect(grant.evidence.provision?.cloudCheck).toEqual({
      error: expect.stringMatching(/^aws access check: .*AccessDenied/),
    });
    expect(grant.evidence.provision?.effective).toMatchObject({ evaluator: "elevate-iam-eval" });
    await revoke(h.db, org.org.id, grantId);
  });
});

describe("cloudCheckEvidence", () => {
  const target = {} as TargetRow;
  const binding = {
    grantId: "g",
    orgId: "o",
    roleName: "r",
    principal: "p",
    notAfter: new Date(),
    bindingId: "elevate-g",
  };
  const spec: RoleSpec = {
    cloud: "aws",
    permissions: [],
    resource: null,
    hash: "h",
    roleName: "r",
    document: {},
  };
  const adapter = (checkAccess?: CloudAdapter["checkAccess"]) =>
    ({ kind: "aws", checkAccess }) as CloudAdapter;

  it("is absent for an adapter without checkAccess (the sandbox)", async () => {
    expect(await cloudCheckEvidence(adapter(), target, binding, spec)).toBeUndefined();
  });

  it("bounds the time: no answer in time is an error, not a hung provisioning", async () => {
    const never = adapter(() => new Promise(() => undefined));
    expect(await cloudCheckEvidence(never, target, binding, spec, 20)).toEqual({
      error: "aws access check: no answer within 20 ms",
    });
  });
});
