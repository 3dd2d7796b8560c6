import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { type FakeIam, startFakeIam } from "@/lib/clouds/fakes/aws-iam";
import type { RecordedCall } from "@/lib/clouds/fakes/aws-iam/state";
import { openTestDb } from "@/lib/testing/db";
import {
  awsFakeOrg,
  clearEnvVars,
  expiryOf,
  previewedRole,
  previewThenProvision,
  revoke,
} from "./wire-helpers";

// "Preview equals grant" on the wire (issue 14, point 1): what IAM receives is what the approver saw.
const ACCOUNT = "123456789012";
const KEY_ID = "AKIAELEVATEWIRE00001";

let h: DbHandle;
let iam: FakeIam;
beforeAll(async () => {
  [h, iam] = await Promise.all([openTestDb(), startFakeIam({ accountId: ACCOUNT, accessKeyId: KEY_ID })]);
});
afterAll(async () => Promise.all([h?.close(), iam?.stop()]));
afterEach(() => clearEnvVars());

const awsOrg = () => awsFakeOrg(h.db, iam, { name: "aws-wire", account: ACCOUNT, keyId: KEY_ID });

const json = (s: string | undefined): unknown => JSON.parse(s ?? "null");
/** Rounded down to the second, written out here so the test does not share the adapter's code it checks. */
const toSecond = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;
const sent = (calls: RecordedCall[], action: string) => calls.filter((c) => c.action === action);
const successful = (calls: RecordedCall[], action: string) =>
  sent(calls, action).filter((c) => c.status === 200);

describe("AWS: the request preview is what IAM receives", () => {
  it("Read a bucket on orders-reports: managed policy, trust policy and expiry as previewed; revoke removes the role", async () => {
    const { org, target } = await awsOrg();
    const before = iam.state.calls.length;
    const req = { targetId: target.id, templateKey: "bucket.read", resource: "orders-reports" };
    const { preview, grantId, outcome, grant } = await previewThenProvision(h.db, org, req);
    expect(outcome).toMatchObject({ status: "active", lastError: null });
    const calls = iam.state.calls.slice(before);

    // The permission set: one CreatePolicy per previewed document (each part when the preview split it).
    const documents = preview.parts ?? [preview.document];
    const created = sent(calls, "CreatePolicy");
    expect(created.map((c) => json(c.params.PolicyDocument))).toEqual(documents);
    const names =
      documents.length > 1 ? documents.map((_, i) => `${preview.roleName}-p${i + 1}`) : [preview.roleName];
    expect(created.map((c) => c.params.PolicyName)).toEqual(names);
    // Created now or by an earlier grant of the same set: either way the account holds the previewed text.
    const held = names.map((n) => iam.state.policies.get(n.toLowerCase())?.versions.find((v) => v.isDefault));
    expect(held.map((v) => json(v?.document))).toEqual(documents);
    // The bucket is named exactly; S3 ARNs have empty region and account fields.
    expect(JSON.stringify(preview.document)).toContain('"arn:aws:s3:::orders-reports"');
    expect(JSON.stringify(preview.document)).toContain('"arn:aws:s3:::orders-reports/*"');

    // The per-grant role: assumable only with the grant id as session name, until the grant's expiry.
    const expiresAt = expiryOf(grant);
    const [role] = successful(calls, "CreateRole");
    expect(role.params.RoleName).toBe(`elevate-${grantId}`);
    expect(json(role.params.AssumeRolePolicyDocument)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ElevateRequester",
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/${org.users.requester.email}` },
          Action: "sts:AssumeRole",
          Condition: {
            DateLessThan: { "aws:CurrentTime": toSecond(expiresAt) },
            StringEquals: { "sts:RoleSessionName": grantId },
          },
        },
      ],
    });

    // The inline expiry Deny carries the grant's expiry, rounded down to the second.
    const [expiry] = successful(calls, "PutRolePolicy");
    expect(expiry.params.RoleName).toBe(`elevate-${grantId}`);
    expect(json(expiry.params.PolicyDocument)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ElevateExpiry",
          Effect: "Deny",
          Action: "*",
          Resource: "*",
          Condition: {
            DateGreaterThanEquals: { "aws:CurrentTime": toSecond(expiresAt) },
          },
        },
      ],
    });

    // Attached is the previewed set and nothing else.
    const attached = successful(calls, "AttachRolePolicy").map((c) => c.params.PolicyArn);
    expect(attached).toEqual([`arn:aws:iam::${ACCOUNT}:policy/elevate/${preview.roleName}`]);
    expect(iam.state.roles.get(`elevate-${grantId}`)?.attached).toEqual(attached);

    expect((await revoke(h.db, org.org.id, grantId)).status).toBe("revoked");
    expect(iam.state.roles.has(`elevate-${grantId}`)).toBe(false);
  });

  it("negative control: the preview for a prefix sibling (orders-reports-archive) is not what was sent", async () => {
    const { org, target } = await awsOrg();
    const before = iam.state.calls.length;
    const req = { targetId: target.id, templateKey: "bucket.read", resource: "orders-reports" };
    const { grantId, outcome } = await previewThenProvision(h.db, org, req);
    expect(outcome.status).toBe("active");
    const wire = sent(iam.state.calls.slice(before), "CreatePolicy").map((c) =>
      json(c.params.PolicyDocument),
    );
    const sibling = await previewedRole(h.db, org, { ...req, resource: "orders-reports-archive" });
    expect(wire).toHaveLength(1);
    expect(wire[0]).not.toEqual(sibling.document);
    expect(JSON.stringify(wire[0])).not.toContain("orders-reports-archive");
    await revoke(h.db, org.org.id, grantId);
  });
});
