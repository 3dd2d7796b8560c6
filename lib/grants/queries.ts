import { and, eq, notExists, notInArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { accessRequests, cloudRoles, type GrantStatus, grants, users } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import type { Ctx } from "@/lib/ctx";
import { Forbidden, NotFound } from "@/lib/errors";
import { GRANT_TERMINAL } from "@/lib/grants/grant-state";
import { requestTransition } from "@/lib/requests/request-state";

export type GrantRow = typeof grants.$inferSelect;

/** What the system-side grant verbs return: the grant's lifecycle fields, JSON-safe. */
export type GrantOutcome = {
  id: string;
  status: GrantStatus;
  expiresAt: string | null;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
};

export function toOutcome(g: GrantRow): GrantOutcome {
  return {
    id: g.id,
    status: g.status,
    expiresAt: g.expiresAt?.toISOString() ?? null,
    attempts: g.attempts,
    nextAttemptAt: g.nextAttemptAt?.toISOString() ?? null,
    lastError: g.lastError,
  };
}

/** Provisioning is the system's work: people ask (submit/decide), they never drive the cloud directly. */
export function assertSystem(ctx: Ctx): void {
  if (ctx.actor.type !== "system") throw Forbidden("Grants are provisioned by the system");
}

/** The person's identity in the cloud: their IdP email (validated at sign-in). */
export async function principalFor(
  db: Db,
  orgId: string,
  userId: string,
  target: { settings: Record<string, unknown> },
): Promise<string> {
  const [u] = await db
    .select({ email: users.email })
    .from(users)
    .where(and(eq(users.id, userId), eq(users.orgId, orgId)));
  if (!u) throw NotFound("User");
  // The target's identity map (settings.principals) names the person as the cloud knows them.
  const map = (target.settings.principals ?? {}) as Record<string, unknown>;
  const email = u.email.toLowerCase();
  const mapped = Object.entries(map).find(([k]) => k.toLowerCase() === email)?.[1];
  return typeof mapped === "string" ? mapped : u.email;
}

/**
 * Takes this grant's reference on the shared cloud role, once: the guarded `cloud_role_id IS NULL` update
 * makes retries and concurrent runs count it a single time. Returns false if the grant left `provisioning`.
 */
export async function reserveRole(db: Db, g: GrantRow): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [role] = await tx
      .insert(cloudRoles)
      .values({
        orgId: g.orgId,
        targetId: g.targetId,
        hash: g.roleSpec.hash,
        roleName: g.roleSpec.roleName,
        spec: g.roleSpec,
      })
      .onConflictDoUpdate({
        target: [cloudRoles.targetId, cloudRoles.hash],
        // Touching the row takes its lock, so the garbage collector cannot delete it under us.
        set: { roleName: sql`${cloudRoles.roleName}` },
      })
      .returning({ id: cloudRoles.id });
    const claimed = await tx
      .update(grants)
      .set({ cloudRoleId: role.id, updatedAt: new Date() })
      .where(and(eq(grants.id, g.id), eq(grants.status, "provisioning"), sql`${grants.cloudRoleId} is null`))
      .returning({ id: grants.id });
    if (claimed.length === 1) {
      await tx
        .update(cloudRoles)
        .set({
          refCount: sql`${cloudRoles.refCount} + 1`,
          status: "active",
          releasedAt: null,
          deletedAt: null,
        })
        .where(eq(cloudRoles.id, role.id));
      return true;
    }
    const [cur] = await tx.select({ status: grants.status }).from(grants).where(eq(grants.id, g.id));
    return cur?.status === "provisioning";
  });
}

/** Gives back one reference (call in the transaction that makes the grant terminal, so it runs once). */
export async function releaseRoleRef(tx: Db, cloudRoleId: string | null, now: Date): Promise<void> {
  if (!cloudRoleId) return;
  await tx
    .update(cloudRoles)
    .set({
      refCount: sql`greatest(${cloudRoles.refCount} - 1, 0)`,
      releasedAt: sql`case when ${cloudRoles.refCount} <= 1 then ${now.toISOString()}::timestamptz else ${cloudRoles.releasedAt} end`,
    })
    .where(eq(cloudRoles.id, cloudRoleId));
}

/** Locks the request row: terminal grant transitions serialise on it, so "all grants done" is seen once. */
export async function lockRequest(tx: Db, orgId: string, requestId: string): Promise<void> {
  await tx
    .select({ id: accessRequests.id })
    .from(accessRequests)
    .where(and(eq(accessRequests.id, requestId), eq(accessRequests.orgId, orgId)))
    .for("update");
}

/** approved → completed once every grant of the request is terminal. Call with the request row locked. */
export async function completeRequestIfDone(tx: Db, ctx: Ctx, requestId: string): Promise<boolean> {
  const next = requestTransition("approved", { type: "complete" });
  if (!next.ok) return false;
  const open = tx
    .select({ id: grants.id })
    .from(grants)
    .where(and(eq(grants.requestId, requestId), notInArray(grants.status, [...GRANT_TERMINAL])));
  const done = await tx
    .update(accessRequests)
    .set({ status: next.to, updatedAt: new Date() })
    .where(
      and(
        eq(accessRequests.id, requestId),
        eq(accessRequests.orgId, ctx.orgId),
        eq(accessRequests.status, "approved"),
        notExists(open),
      ),
    )
    .returning({ id: accessRequests.id });
  if (done.length === 0) return false;
  await appendAudit(tx, ctx, { action: "request.completed", subjectType: "request", subjectId: requestId });
  return true;
}

/** The grant as it is now (after a guarded update matched nothing, someone else moved it). */
export async function reread(db: Db, orgId: string, grantId: string): Promise<GrantRow> {
  const [row] = await db
    .select()
    .from(grants)
    .where(and(eq(grants.id, grantId), eq(grants.orgId, orgId)));
  if (!row) throw NotFound("Grant");
  return row;
}
