import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { accessRequests, auditEvents, cloudRoles, grants, jobRuns, sandboxRoles } from "@/db/schema";
import { clearSandboxFaults, injectSandboxFault, sandboxAdapter } from "@/lib/clouds/sandbox";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { executeRevocation } from "../execute-revocation";
import { provisionGrant } from "../provision";
import { reconcileOnce } from "../reconcile";
import { auditActions, bindingsOf, grantRow, roleRow, scheduledGrant } from "./fixtures";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());
afterEach(() => clearSandboxFaults());

const MIN = 60_000;
// Every pass is scoped to the test's org: with DATABASE_URL, other test files share the database.
const pass = (orgId: string, extra: Omit<Parameters<typeof reconcileOnce>[0], "db" | "orgId"> = {}) =>
  reconcileOnce({ db: h.db, orgId, ...extra });

describe("reconcileOnce", () => {
  it("revokes grants past their expiry, leaves the others, and records the run", async () => {
    const org = await createTestOrg(h.db);
    const due = await scheduledGrant(h.db, org, { durationSeconds: 60 });
    const later = await scheduledGrant(h.db, org, { durationSeconds: 3600 });
    for (const s of [due, later]) await provisionGrant({ ctx: s.ctx, input: { grantId: s.grant.id } });
    const now = new Date(Date.now() + 2 * MIN);
    const result = await pass(org.org.id, { now });
    expect(result).toMatchObject({
      expired: 1,
      retried: 0,
      provisioned: 0,
      lapsed: 0,
      drift: { removed: 0, failed: 0 },
    });
    expect((await grantRow(h.db, due.grant.id)).status).toBe("revoked");
    expect((await grantRow(h.db, later.grant.id)).status).toBe("active");
    const [run] = await h.db.select().from(jobRuns).where(eq(jobRuns.name, "reconciler"));
    expect(run.details).toMatchObject({ expired: expect.any(Number) });
    expect((await pass(org.org.id, { now })).expired).toBe(0);
  });

  it("two reconcilers at once split the work: every grant revoked exactly once", async () => {
    const org = await createTestOrg(h.db);
    const made = [];
    for (let i = 0; i < 6; i++) made.push(await scheduledGrant(h.db, org, { durationSeconds: 60 }));
    for (const s of made) await provisionGrant({ ctx: s.ctx, input: { grantId: s.grant.id } });
    const now = new Date(Date.now() + 2 * MIN);
    const [a, b] = await Promise.all([
      pass(org.org.id, { now, limit: 2 }),
      pass(org.org.id, { now, limit: 2 }),
    ]);
    expect(a.expired + b.expired).toBe(6);
    const revoked = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, org.org.id), eq(auditEvents.action, "grant.revoked")));
    expect(revoked).toHaveLength(6);
  });

  it("retries a failed revocation when it is due and provisions a scheduled grant nobody started", async () => {
    const org = await createTestOrg(h.db);
    const r = await scheduledGrant(h.db, org);
    await provisionGrant({ ctx: r.ctx, input: { grantId: r.grant.id } });
    injectSandboxFault(r.target.id, { op: "unbind", kind: "retryable", times: 1 });
    expect(
      (await executeRevocation({ ctx: r.ctx, input: { grantId: r.grant.id, reason: "x" } })).status,
    ).toBe("revoking");
    const stale = await scheduledGrant(h.db, org);
    await h.db
      .update(grants)
      .set({ updatedAt: new Date(Date.now() - 5 * MIN) })
      .where(eq(grants.id, stale.grant.id));
    const result = await pass(org.org.id, { now: new Date(Date.now() + 2 * MIN) });
    expect(result).toMatchObject({ retried: 1, provisioned: 1 });
    expect((await grantRow(h.db, r.grant.id)).status).toBe("revoked");
    expect((await grantRow(h.db, stale.grant.id)).status).toBe("active");
  });

  it("lapses pending requests older than the policy's pending timeout, and only those", async () => {
    const org = await createTestOrg(h.db, { pendingTimeoutSeconds: 3600 });
    const old = await scheduledGrant(h.db, org, { requestStatus: "pending" });
    const fresh = await scheduledGrant(h.db, org, { requestStatus: "pending" });
    await h.db
      .update(accessRequests)
      .set({ createdAt: new Date(Date.now() - 2 * 3600_000) })
      .where(eq(accessRequests.id, old.request.id));
    expect((await pass(org.org.id)).lapsed).toBe(1);
    const status = async (id: string) =>
      (await h.db.select().from(accessRequests).where(eq(accessRequests.id, id)))[0].status;
    expect(await status(old.request.id)).toBe("lapsed");
    expect(await status(fresh.request.id)).toBe("pending");
    expect(await auditActions(h.db, org.org.id, old.request.id)).toEqual(["request.lapsed"]);
  });

  it("removes bindings no live grant explains, reports and audits them, and keeps the explained ones", async () => {
    const org = await createTestOrg(h.db);
    const live = await scheduledGrant(h.db, org);
    await provisionGrant({ ctx: live.ctx, input: { grantId: live.grant.id } });
    const adapter = sandboxAdapter(h.db);
    const stray = randomUUID();
    await adapter.bind(live.target, {
      grantId: stray,
      orgId: org.org.id,
      roleName: live.grant.roleSpec.roleName,
      principal: live.principal,
      notAfter: new Date(Date.now() + 3600_000),
    });
    // A revoked grant whose binding came back (a crash between steps, a late retry).
    const gone = await scheduledGrant(h.db, org);
    await executeRevocation({ ctx: gone.ctx, input: { grantId: gone.grant.id, reason: "x" } });
    await adapter.bind(live.target, {
      grantId: gone.grant.id,
      orgId: org.org.id,
      roleName: live.grant.roleSpec.roleName,
      principal: live.principal,
      notAfter: new Date(Date.now() + 3600_000),
    });
    const result = await pass(org.org.id);
    expect(result.drift).toEqual({ removed: 2, failed: 0 });
    const left = await bindingsOf(h.db, live.target.id);
    expect(left.map((b) => b.bindingId)).toEqual([`elevate-${live.grant.id}`]);
    expect(await auditActions(h.db, org.org.id, `elevate-${stray}`)).toEqual(["drift.removed"]);
  });

  it("reports a drift removal the cloud refuses, and removes it on a later pass", async () => {
    const org = await createTestOrg(h.db);
    const s = await scheduledGrant(h.db, org);
    const adapter = sandboxAdapter(h.db);
    await adapter.ensureRole(s.target, s.grant.roleSpec);
    await adapter.bind(s.target, {
      grantId: randomUUID(),
      orgId: org.org.id,
      roleName: s.grant.roleSpec.roleName,
      principal: s.principal,
      notAfter: new Date(Date.now() + 3600_000),
    });
    injectSandboxFault(s.target.id, { op: "unbind", kind: "permanent", times: 1 });
    expect((await pass(org.org.id)).drift).toEqual({ removed: 0, failed: 1 });
    expect((await pass(org.org.id)).drift).toEqual({ removed: 1, failed: 0 });
  });

  it("deletes a role nobody uses once the grace period is over, not before", async () => {
    const org = await createTestOrg(h.db);
    const s = await scheduledGrant(h.db, org);
    await provisionGrant({ ctx: s.ctx, input: { grantId: s.grant.id } });
    await executeRevocation({ ctx: s.ctx, input: { grantId: s.grant.id, reason: "done" } });
    expect((await pass(org.org.id, { now: new Date(Date.now() + 5 * MIN) })).rolesDeleted).toBe(0);
    expect((await pass(org.org.id, { now: new Date(Date.now() + 11 * MIN) })).rolesDeleted).toBe(1);
    const role = await roleRow(h.db, s.target.id, s.grant.roleSpec.hash);
    expect(role.status).toBe("deleted");
    const inCloud = await h.db.select().from(sandboxRoles).where(eq(sandboxRoles.targetId, s.target.id));
    expect(inCloud).toHaveLength(0);
    expect(await auditActions(h.db, org.org.id, role.id)).toEqual(["role.deleted"]);

    // A new grant with the same spec brings the role back (same content address).
    const again = await scheduledGrant(h.db, org);
    expect((await provisionGrant({ ctx: again.ctx, input: { grantId: again.grant.id } })).status).toBe(
      "active",
    );
    const [back] = await h.db.select().from(cloudRoles).where(eq(cloudRoles.id, role.id));
    expect(back).toMatchObject({ status: "active", refCount: 1, deletedAt: null });
  });

  it("keeps a role that is still referenced, however old", async () => {
    const org = await createTestOrg(h.db);
    const s = await scheduledGrant(h.db, org, { durationSeconds: 8 * 3600 });
    await provisionGrant({ ctx: s.ctx, input: { grantId: s.grant.id } });
    const result = await pass(org.org.id, { now: new Date(Date.now() + 60 * MIN), roleGraceMs: 0 });
    expect(result.rolesDeleted).toBe(0);
    expect((await roleRow(h.db, s.target.id, s.grant.roleSpec.hash)).status).toBe("active");
  });
});
