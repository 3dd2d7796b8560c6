import { and, count, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { auditEvents, cloudRoles, sandboxRoles, targets } from "@/db/schema";
import type { SeededOrg } from "@/db/seed/org";
import { executeRevocation } from "@/lib/grants/execute-revocation";
import { provisionGrant } from "@/lib/grants/provision";
import { reconcileOnce } from "@/lib/grants/reconcile";
import { logger } from "@/lib/log";
import { submitAs } from "@/lib/requests/__tests__/helpers";
import { decideRequest } from "@/lib/requests/decide";
import { getRequestView } from "@/lib/requests/request-view";
import { listTargetsForAdmin } from "@/lib/targets";
import { systemCtx, userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { CAPACITY_ALERT_ACTION } from "../alert";
import { targetCapacity } from "../usage";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());
afterEach(() => vi.restoreAllMocks());

// One permission set per letter: each is its own content-addressed role.
const SETS: Record<string, string[]> = {
  A: ["s3:GetObject"],
  B: ["s3:ListBucket"],
  C: ["s3:PutObject"],
  D: ["s3:DeleteObject"],
  E: ["s3:GetBucketTagging"],
};

/** The org's AWS sandbox target, holding at most `quota` custom roles. */
async function orgWithQuota(quota: number) {
  const org = await createTestOrg(h.db);
  const t = org.targets.aws;
  await h.db
    .update(targets)
    .set({ settings: { ...t.settings, roleQuota: quota } })
    .where(eq(targets.id, t.id));
  return { org, target: t, sys: systemCtx(h.db, org.org.id) };
}

/** A pending request for one permission set. */
const pending = (org: SeededOrg, set: string) =>
  submitAs(h.db, org, "requester", { templateId: null, permissions: SETS[set], resource: null });

/** Approves and provisions as the workflow would; returns the grant's outcome. */
async function grant(org: SeededOrg, set: string, requestId?: string) {
  const id = requestId ?? (await pending(org, set)).id;
  const dto = await decideRequest({
    ctx: await userCtx(h.db, org.users.approver),
    input: { requestId: id, verdict: "approve" },
  });
  return provisionGrant({ ctx: systemCtx(h.db, org.org.id), input: { grantId: dto.grants[0].id } });
}

const noteFor = async (org: SeededOrg, requestId: string) =>
  (await getRequestView({ ctx: await userCtx(h.db, org.users.approver), input: { requestId } })).capacity;

const inSandbox = async (targetId: string) =>
  (await h.db.select({ n: count() }).from(sandboxRoles).where(eq(sandboxRoles.targetId, targetId)))[0].n;

const roleOf = async (targetId: string, set: string) =>
  (await h.db.select().from(cloudRoles).where(eq(cloudRoles.targetId, targetId))).find(
    (r) => r.spec.permissions.join() === SETS[set].join(),
  );

describe("custom-role capacity, filling a target to its limit", () => {
  it("fills to the limit, and a request reusing a role still succeeds", async () => {
    const { org, target, sys } = await orgWithQuota(3);
    for (const s of ["A", "B", "C"]) expect((await grant(org, s)).status).toBe("active");
    expect((await targetCapacity(sys, target.id)).roles).toMatchObject({ used: 3, limit: 3, unused: 0 });
    expect(await inSandbox(target.id)).toBe(3);

    const again = await pending(org, "A");
    expect(await noteFor(org, again.id)).toMatchObject({ tone: "ok", reuse: true });
    expect((await grant(org, "A", again.id)).status).toBe("active");
    expect((await targetCapacity(sys, target.id)).roles.used).toBe(3);

    // The targets page shows the same count.
    const [listed] = (await listTargetsForAdmin({ ctx: await userCtx(h.db, org.users.admin) })).filter(
      (t) => t.id === target.id,
    );
    expect(listed.capacity?.roles).toMatchObject({ used: 3, limit: 3 });
  });

  it("collects an unused role early, within its grace period, so a new role fits", async () => {
    const { org, target, sys } = await orgWithQuota(3);
    const outcomes = [];
    for (const s of ["A", "B", "C"]) outcomes.push(await grant(org, s));
    await executeRevocation({ ctx: sys, input: { grantId: outcomes[1].id, reason: "done" } });

    const d = await pending(org, "D");
    const note = await noteFor(org, d.id);
    expect(note?.tone).toBe("warning");
    expect(note?.message).toContain("1 unused roles will be deleted early to make room");

    expect((await grant(org, "D", d.id)).status).toBe("active");
    expect((await roleOf(target.id, "B"))?.status).toBe("deleted");
    expect((await roleOf(target.id, "D"))?.status).toBe("active");
    expect((await targetCapacity(sys, target.id)).roles.used).toBe(3);
    expect(await inSandbox(target.id)).toBe(3);
  });

  it("fails with a clear message, and asks nothing of the cloud, when every role is in use", async () => {
    const { org, target, sys } = await orgWithQuota(3);
    for (const s of ["A", "B", "C"]) await grant(org, s);
    const d = await pending(org, "D");
    const note = await noteFor(org, d.id);
    expect(note?.tone).toBe("danger");
    expect(note?.message).toContain("needs 1 slot but none is free");

    const failed = await grant(org, "D", d.id);
    expect(failed.status).toBe("failed");
    expect(failed.lastError).toContain(`permanent: Target "${target.name}" has no room for a new role`);
    expect(failed.lastError).toContain("3 of 3 custom roles per target (sandbox) are taken");
    expect(failed.lastError).toContain("Revoke grants that are no longer needed");
    expect(await inSandbox(target.id)).toBe(3);
    expect((await targetCapacity(sys, target.id)).roles).toMatchObject({ used: 3, unused: 0 });
  });

  it("has the reconcile pass collect early above 90% of the limit, and keep the grace period below", async () => {
    const full = await orgWithQuota(3);
    const roomy = await orgWithQuota(100);
    for (const o of [full, roomy]) {
      const g = await grant(o.org, "A");
      await grant(o.org, "B");
      await grant(o.org, "C");
      await executeRevocation({ ctx: o.sys, input: { grantId: g.id, reason: "done" } });
    }
    const soon = new Date(Date.now() + 60_000);
    expect((await reconcileOnce({ db: h.db, orgId: full.org.org.id, now: soon })).rolesDeleted).toBe(1);
    expect((await reconcileOnce({ db: h.db, orgId: roomy.org.org.id, now: soon })).rolesDeleted).toBe(0);
  });

  it("alerts admins once per crossing of 80%, and again only after usage fell below 70%", async () => {
    const { org, target, sys } = await orgWithQuota(5);
    const errors = vi.spyOn(logger, "error");
    const alerts = () =>
      errors.mock.calls.filter(([o]) => {
        const fields = (typeof o === "object" && o !== null ? o : {}) as Record<string, unknown>;
        return fields.alert === true && fields.targetId === target.id;
      });
    const events = async () =>
      (
        await h.db
          .select({ data: auditEvents.data })
          .from(auditEvents)
          .where(and(eq(auditEvents.subjectId, target.id), eq(auditEvents.action, CAPACITY_ALERT_ACTION)))
          .orderBy(auditEvents.seq)
      ).map((e) => e.data.state);

    const made = [];
    for (const s of ["A", "B", "C"]) made.push(await grant(org, s));
    expect(alerts()).toHaveLength(0);
    made.push(await grant(org, "D")); // 4 of 5
    made.push(await grant(org, "E")); // 5 of 5: still the same crossing
    expect(alerts()).toHaveLength(1);
    expect(await events()).toEqual(["raised"]);

    for (const g of made.slice(1, 4))
      await executeRevocation({ ctx: sys, input: { grantId: g.id, reason: "x" } });
    await reconcileOnce({ db: h.db, orgId: org.org.id, now: new Date(Date.now() + 11 * 60_000) });
    expect((await targetCapacity(sys, target.id)).roles.used).toBe(2);
    expect(await events()).toEqual(["raised", "cleared"]);

    for (const s of ["B", "C"]) await grant(org, s);
    expect(alerts()).toHaveLength(2);
    expect(await events()).toEqual(["raised", "cleared", "raised"]);
  });
});
