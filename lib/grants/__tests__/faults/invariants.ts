import { and, eq, inArray } from "drizzle-orm";
import { expect } from "vitest";
import type { Db } from "@/db/client";
import { auditEvents, cloudRoles, grants, sandboxBindings, sandboxRoles, targets } from "@/db/schema";
import { verifyAuditChain } from "@/lib/audit/verify";
import { isAllowed } from "@/lib/clouds/sandbox";
import { GRANT_TERMINAL, LIVE_GRANT_STATUSES } from "@/lib/grants/grant-state";
import { createTestOrg } from "@/lib/testing/db";
import { provisionGrant } from "../../provision";
import { reconcileOnce } from "../../reconcile";
import { PERMISSIONS, scheduledGrant } from "../fixtures";

const TERMINAL_ACTIONS = ["grant.revoked", "grant.failed"];
const LIVE: readonly string[] = LIVE_GRANT_STATUSES;

/**
 * Two reconcile passes at `now` (default: the real clock), scoped to the org, deleting unused roles at once
 * so that "nothing left behind" can be checked without waiting out the grace period.
 */
export async function settle(db: Db, orgId: string, now?: Date) {
  const first = await reconcileOnce({ db, orgId, now, roleGraceMs: 0 });
  const second = await reconcileOnce({ db, orgId, now, roleGraceMs: 0 });
  return { first, second };
}

/**
 * The SECURITY.md invariants over one org, read from the database and the sandbox cloud:
 * - every binding is explained by a live grant on its target, and its cloud-enforced expiry is not later
 *   than the grant's (so no grant is usable after its expiry, even if every revocation were lost);
 * - a terminal grant holds no binding and exactly one terminal audit event; a live grant none;
 * - each role's reference count equals the live grants holding it; with `rolesCollected`, every role in
 *   the cloud is one a live grant uses (nothing orphaned after the reconciler ran);
 * - the audit chain verifies.
 */
export async function expectInvariants(db: Db, orgId: string, opts: { rolesCollected?: boolean } = {}) {
  const gs = await db.select().from(grants).where(eq(grants.orgId, orgId));
  const byId = new Map(gs.map((g) => [g.id, g]));
  const targetIds = (await db.select({ id: targets.id }).from(targets).where(eq(targets.orgId, orgId))).map(
    (t) => t.id,
  );

  const bindings = await db
    .select()
    .from(sandboxBindings)
    .where(inArray(sandboxBindings.targetId, targetIds));
  for (const b of bindings) {
    const g = byId.get(b.tags["elevate:grant"]);
    expect(g, `binding ${b.bindingId} explained by a grant`).toBeDefined();
    if (!g) continue;
    expect(LIVE, `binding ${b.bindingId} belongs to a live grant (is ${g.status})`).toContain(g.status);
    expect(b.targetId).toBe(g.targetId);
    if (g.expiresAt) {
      expect(b.notAfter.getTime(), `cloud expiry of ${g.id} within the grant's`).toBeLessThanOrEqual(
        g.expiresAt.getTime(),
      );
    }
  }

  const terminal = await db
    .select({ subjectId: auditEvents.subjectId, action: auditEvents.action })
    .from(auditEvents)
    .where(and(eq(auditEvents.orgId, orgId), inArray(auditEvents.action, TERMINAL_ACTIONS)));
  for (const g of gs) {
    const ends = terminal.filter((e) => e.subjectId === g.id);
    if (GRANT_TERMINAL.has(g.status)) {
      expect(
        ends.map((e) => e.action),
        `one terminal event for ${g.status} grant ${g.id}`,
      ).toEqual([g.status === "revoked" ? "grant.revoked" : "grant.failed"]);
      expect(bindings.filter((b) => b.tags["elevate:grant"] === g.id)).toEqual([]);
    } else {
      expect(ends, `no terminal event for ${g.status} grant ${g.id}`).toEqual([]);
    }
  }

  const roles = await db.select().from(cloudRoles).where(eq(cloudRoles.orgId, orgId));
  for (const r of roles) {
    const holders = gs.filter((g) => g.cloudRoleId === r.id && LIVE.includes(g.status)).length;
    expect(r.refCount, `refCount of role ${r.roleName}`).toBe(holders);
  }
  if (opts.rolesCollected) {
    const inCloud = await db.select().from(sandboxRoles).where(inArray(sandboxRoles.targetId, targetIds));
    const used = new Set(roles.filter((r) => r.refCount > 0).map((r) => `${r.targetId}/${r.roleName}`));
    for (const r of inCloud)
      expect(used, "role in the cloud used by a live grant").toContain(`${r.targetId}/${r.roleName}`);
  }

  const chain = await verifyAuditChain(db, { orgId });
  expect(chain.ok, JSON.stringify(chain.firstBad)).toBe(true);
  return { grants: gs, bindings };
}

/** The cloud's own answer: this principal cannot use the grant's permission at `at` (e.g. just after expiry). */
export async function expectNotUsable(
  db: Db,
  s: { target: { id: string }; principal: string },
  at: Date,
): Promise<void> {
  for (const p of PERMISSIONS) expect(await isAllowed(db, s.target.id, s.principal, p, at)).toBe(false);
}

export async function expectUsable(db: Db, s: { target: { id: string }; principal: string }, at: Date) {
  expect(await isAllowed(db, s.target.id, s.principal, PERMISSIONS[0], at)).toBe(true);
}

/** How many audit events with this action the subject has. */
export async function auditCount(db: Db, orgId: string, subjectId: string, action: string): Promise<number> {
  const rows = await db
    .select({ id: auditEvents.id })
    .from(auditEvents)
    .where(
      and(eq(auditEvents.orgId, orgId), eq(auditEvents.subjectId, subjectId), eq(auditEvents.action, action)),
    );
  return rows.length;
}

/** A provisioned grant in a fresh org, with the instant just after its expiry. */
export async function activeGrant(db: Db, durationSeconds = 3600) {
  const org = await createTestOrg(db);
  const s = await scheduledGrant(db, org, { durationSeconds });
  expect((await provisionGrant({ ctx: s.ctx, input: { grantId: s.grant.id } })).status).toBe("active");
  const [row] = await db.select().from(grants).where(eq(grants.id, s.grant.id));
  const expiresAt = row.expiresAt as Date;
  return { org, ...s, expiresAt, afterExpiry: new Date(expiresAt.getTime() + 1) };
}
