import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { grants } from "@/db/schema";
import type { SeededOrg } from "@/db/seed/org";
import { expectAppError } from "@/lib/requests/__tests__/helpers";
import { decideRequest } from "@/lib/requests/decide";
import { submitRequest } from "@/lib/requests/submit";
import { activeGrantFor } from "@/lib/testing/active-grant";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { insertUsageEvents } from "@/lib/testing/usage-events";
import { getUsageDashboard } from "../dashboard";
import { refreshRollups, utcDay } from "../refresh";

let h: DbHandle;
let org: SeededOrg;
let a: { grantId: string };
let started: Date;
const DAY = 86_400_000;

async function refreshAll() {
  return refreshRollups({ db: h.db, orgId: org.org.id, days: [started, new Date()] });
}
async function dashboard(input = {}) {
  return getUsageDashboard({ ctx: await userCtx(h.db, org.users.auditor), input });
}

beforeAll(async () => {
  started = new Date();
  h = await openTestDb();
  org = await createTestOrg(h.db);
  a = await activeGrantFor(h.db, org, "requester", {
    targetId: org.targets.aws.id,
    templateId: org.template("vm.ssh").id,
    resource: "i-0abc1234",
  });
  const b = await activeGrantFor(h.db, org, "approver", {
    targetId: org.targets.gcp.id,
    templateId: org.template("vm.restart").id,
    resource: "us-central1-a/vm-1",
  });
  const denied = await submitRequest({
    ctx: await userCtx(h.db, org.users.requester),
    input: {
      targetId: org.targets.aws.id,
      templateId: org.template("vm.ssh").id,
      durationMinutes: 30,
      justification: "to be denied",
    },
  });
  await decideRequest({
    ctx: await userCtx(h.db, org.users.approver),
    input: { requestId: denied.id, verdict: "deny" },
  });
  await insertUsageEvents(h.db, org.org.id, [
    { grantId: a.grantId, permission: "ssm:StartSession", times: 3 },
    { grantId: a.grantId, permission: "ec2:TerminateInstances", allowed: false, times: 2 },
    { grantId: b.grantId, cloud: "gcp", permission: "compute.instances.reset" },
    { permission: "iam:ListUsers", principal: "arn:aws:iam::111122223333:user/ci" },
    { permission: "iam:DeleteUser", allowed: false, principal: "arn:aws:iam::111122223333:user/ci" },
  ]);
  // Grant b expired two minutes ago and is still live: the reconciler is late removing it.
  await h.db
    .update(grants)
    .set({ expiresAt: new Date(Date.now() - 120_000) })
    .where(eq(grants.id, b.grantId));
  await refreshAll();
});
afterAll(async () => h.close());

describe("usage dashboards over daily roll-ups", () => {
  it("charts requests, decisions, grants, used/granted, denials and revocation lateness", async () => {
    const d = await dashboard();
    const sum = (k: "approved" | "denied" | "completed" | "pending") =>
      d.requestsByStatus.reduce((n, r) => n + r[k], 0);
    expect(sum("denied")).toBe(1);
    expect(sum("approved") + sum("completed")).toBe(2);
    expect(d.decisionsPerApprover).toEqual([
      { approver: "Avery Approver", approvals: 1, denials: 1 },
      { approver: "Jordan Approver", approvals: 1, denials: 0 },
    ]);
    expect(d.grantsByCloud).toEqual([
      { label: "aws", n: 1 },
      { label: "gcp", n: 1 },
    ]);
    expect(d.grantsByTarget.map((g) => g.label).sort()).toEqual(["aws-sandbox-prod", "gcp-sandbox-prod"]);
    expect(d.usedRatioByTemplate).toEqual([
      { template: "vm.restart", granted: 4, used: 1, ratio: 0.25 },
      { template: "vm.ssh", granted: 4, used: 1, ratio: 0.25 },
    ]);
    expect(d.mostUnused.map((u) => u.permission)).toContain("ssm:TerminateSession");
    expect(d.topDenied).toEqual([
      { permission: "ec2:TerminateInstances", cloud: "aws", denied: 2 },
      { permission: "iam:DeleteUser", cloud: "aws", denied: 1 },
    ]);
    expect(d.deniedByDay.reduce((n, x) => n + x.denied, 0)).toBe(3);
    expect(d.timeToApprove.reduce((n, w) => n + w.n, 0)).toBe(2);
    expect(d.timeToAccess.reduce((n, w) => n + w.n, 0)).toBe(2);
    const late = d.revocationLateness.reduce((n, w) => n + w.late, 0);
    expect(late).toBe(1);
    expect(Math.max(...d.revocationLateness.map((w) => w.p95))).toBeGreaterThanOrEqual(120);
    expect(d.refreshedAt).not.toBeNull();
  });

  it("filters by target, template and group (a person's groups, from the IdP and local)", async () => {
    const gcp = await dashboard({ targetId: org.targets.gcp.id });
    expect(gcp.grantsByTemplate).toEqual([{ label: "vm.restart", n: 1 }]);
    const ssh = await dashboard({ templateKey: "vm.ssh" });
    expect(ssh.grantsByCloud).toEqual([{ label: "aws", n: 1 }]);
    expect(ssh.topDenied).toEqual([{ permission: "ec2:TerminateInstances", cloud: "aws", denied: 2 }]);
    // Only Avery (the approver) is in "approvers": their grant, not Riley's nor standing calls.
    const approvers = await dashboard({ group: "approvers" });
    expect(approvers.grantsByTemplate).toEqual([{ label: "vm.restart", n: 1 }]);
    expect(approvers.topDenied).toEqual([]);
    const none = await dashboard({ group: "no-such-group" });
    expect(none.grantsByTemplate).toEqual([]);
  });

  it("refreshes incrementally: a later import's days, and the days its grants went live", async () => {
    const earlier = new Date(started.getTime() - 2 * DAY);
    await insertUsageEvents(h.db, org.org.id, [
      { grantId: a.grantId, permission: "ssm:TerminateSession", occurredAt: earlier },
    ]);
    const refreshed = await refreshRollups({ db: h.db, orgId: org.org.id, days: [utcDay(earlier)] });
    expect(refreshed.days).toContain(utcDay(earlier));
    expect(refreshed.days).toContain(utcDay(started));
    const d = await dashboard();
    expect(d.usedRatioByTemplate.find((t) => t.template === "vm.ssh")).toMatchObject({ used: 2, ratio: 0.5 });
    // Refreshing again changes nothing.
    await refreshAll();
    expect((await dashboard()).usedRatioByTemplate).toEqual(d.usedRatioByTemplate);
  });

  it("is for auditors and admins, and shows nothing of another org", async () => {
    await expectAppError(
      getUsageDashboard({ ctx: await userCtx(h.db, org.users.requester), input: {} }),
      "forbidden",
    );
    const other = await createTestOrg(h.db);
    const d = await getUsageDashboard({ ctx: await userCtx(h.db, other.users.admin), input: {} });
    expect(d.grantsByCloud).toEqual([]);
    expect(d.topDenied).toEqual([]);
    expect(d.requestsByStatus.every((r) => r.pending + r.denied === 0)).toBe(true);
  });
});
