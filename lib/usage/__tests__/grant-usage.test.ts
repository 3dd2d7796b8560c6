import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import type { SeededOrg } from "@/db/seed/org";
import { expectAppError } from "@/lib/requests/__tests__/helpers";
import { activeGrantFor } from "@/lib/testing/active-grant";
import { systemCtx, userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { insertUsageEvents } from "@/lib/testing/usage-events";
import { getGrantUsage } from "../grant-usage";

let h: DbHandle;
let org: SeededOrg;
let grantId: string;
const t = (iso: string) => new Date(iso);

beforeAll(async () => {
  h = await openTestDb();
  org = await createTestOrg(h.db);
  // vm.ssh on AWS: ssm:StartSession, ssm:TerminateSession, ssm:DescribeSessions, ec2:DescribeInstances.
  ({ grantId } = await activeGrantFor(h.db, org, "requester", {
    targetId: org.targets.aws.id,
    templateId: org.template("vm.ssh").id,
    resource: "i-0abc1234",
  }));
  await insertUsageEvents(h.db, org.org.id, [
    { grantId, permission: "ssm:StartSession", times: 3, occurredAt: t("2026-01-02T10:00:00Z") },
    { grantId, permission: "ssm:StartSession", occurredAt: t("2026-01-05T10:00:00Z") },
    // CloudTrail spells actions in its own case; IAM compares them case-insensitively.
    { grantId, permission: "EC2:describeInstances", occurredAt: t("2026-01-03T09:00:00Z") },
    { grantId, permission: "ec2:DescribeInstances", allowed: false, occurredAt: t("2026-01-01T08:00:00Z") },
    {
      grantId,
      permission: "ec2:TerminateInstances",
      allowed: false,
      times: 2,
      occurredAt: t("2026-01-04T00:00:00Z"),
    },
    // Standing access by the same person is not this grant's usage.
    { permission: "ssm:TerminateSession", principal: "arn:aws:iam::111122223333:user/riley" },
  ]);
});
afterAll(async () => h.close());

describe("getGrantUsage", () => {
  it("says used X of Y with counts, first and last use per permission, and denied attempts", async () => {
    const u = await getGrantUsage({ ctx: await userCtx(h.db, org.users.requester), input: { grantId } });
    expect(u).toMatchObject({
      grantId,
      cloud: "aws",
      grantedCount: 4,
      usedCount: 2,
      allowedCalls: 5,
      deniedCalls: 3,
    });
    expect(u.firstUse).toBe("2026-01-01T08:00:00.000Z");
    expect(u.lastUse).toBe("2026-01-05T10:00:00.000Z");
    const by = new Map(u.permissions.map((p) => [p.permission, p]));
    expect(by.get("ssm:StartSession")).toMatchObject({
      granted: true,
      allowed: 4,
      denied: 0,
      firstSeen: "2026-01-02T10:00:00.000Z",
      lastSeen: "2026-01-05T10:00:00.000Z",
    });
    expect(by.get("ec2:DescribeInstances")).toMatchObject({ granted: true, allowed: 1, denied: 1 });
    expect(by.get("ssm:TerminateSession")).toMatchObject({ granted: true, allowed: 0, firstSeen: null });
    expect(by.get("ec2:TerminateInstances")).toMatchObject({ granted: false, allowed: 0, denied: 2 });
    // Used first, then never used, then calls outside the role.
    expect(u.permissions.map((p) => p.permission)).toEqual([
      "ssm:StartSession",
      "ec2:DescribeInstances",
      "ssm:DescribeSessions",
      "ssm:TerminateSession",
      "ec2:TerminateInstances",
    ]);
  });

  it("is visible like the grant: its user, grants.read.all (auditor, system), NotFound for anyone else", async () => {
    for (const ctx of [await userCtx(h.db, org.users.auditor), systemCtx(h.db, org.org.id)])
      expect((await getGrantUsage({ ctx, input: { grantId } })).usedCount).toBe(2);
    const other = await userCtx(h.db, org.users.approver2);
    await expectAppError(getGrantUsage({ ctx: other, input: { grantId } }), "not_found");
  });

  it("is NotFound from another org, and for ids that are not uuids", async () => {
    const elsewhere = await createTestOrg(h.db);
    await expectAppError(
      getGrantUsage({ ctx: await userCtx(h.db, elsewhere.users.auditor), input: { grantId } }),
      "not_found",
    );
    await expectAppError(
      getGrantUsage({ ctx: await userCtx(h.db, org.users.auditor), input: { grantId: "nope" } }),
      "validation",
    );
  });

  it("reports a grant with no observed calls as used 0 of Y", async () => {
    const other = await activeGrantFor(h.db, org, "approver", {
      targetId: org.targets.gcp.id,
      templateId: org.template("vm.ssh").id,
      resource: "us-central1-a/vm-1",
    });
    const u = await getGrantUsage({ ctx: systemCtx(h.db, org.org.id), input: { grantId: other.grantId } });
    expect(u).toMatchObject({ cloud: "gcp", grantedCount: 3, usedCount: 0, deniedCalls: 0, firstUse: null });
  });
});
