import { and, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { grants } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { bindingIdFor } from "@/lib/clouds/port";
import { adapterFor } from "@/lib/clouds/registry";
import { assertPermission, type Ctx } from "@/lib/ctx";
import { parseInput } from "@/lib/errors";
import { grantTransition, REVOKING_GRANT_STATUSES } from "@/lib/grants/grant-state";
import { getGrantInOrgOrThrow, getTargetInOrgOrThrow } from "@/lib/requests/queries";
import { instanceId } from "@/lib/workflows/instance";
import { LEASE_MS } from "./backoff";
import { asCloudError } from "./provision-failure";
import {
  completeRequestIfDone,
  type GrantOutcome,
  type GrantRow,
  lockRequest,
  releaseRoleRef,
  reread,
  toOutcome,
} from "./queries";
import { type Removal, removeBinding } from "./remove-binding";
import { onRevokeError } from "./revoke-failure";

export const ExecuteRevocationInput = z.object({
  grantId: z.uuid(),
  /** Revoke now for this reason; without it only a grant past its expiry is revoked ("expired"). */
  reason: z.string().trim().min(1).max(500).optional(),
});
export type ExecuteRevocationInput = z.input<typeof ExecuteRevocationInput>;

/**
 * Takes a grant's access away in the cloud and proves it: unbind, read back "gone", then `revoked` with the
 * evidence, releasing the role reference. Exactly one `grant.revoked` per grant however often it runs.
 * Failures are retried with backoff for ever; after MAX_ATTEMPTS the grant is `revoke_stuck` and alerts.
 * `asOf` is the instant expiry is judged against (the reconciler passes its own clock).
 */
export async function executeRevocation({
  ctx,
  input,
  asOf,
}: {
  ctx: Ctx;
  input: ExecuteRevocationInput;
  asOf?: Date;
}): Promise<GrantOutcome> {
  assertPermission(ctx, "grants.revoke");
  const { grantId, reason } = parseInput(ExecuteRevocationInput, input);
  const g = await begin(ctx, grantId, reason, asOf ?? new Date());
  if (g.status !== "revoking" && g.status !== "revoke_stuck") return toOutcome(g);

  let removal: Removal;
  try {
    const target = await getTargetInOrgOrThrow(ctx.db, ctx.orgId, g.targetId);
    const adapter = adapterFor(ctx.db, target);
    const bindingId = g.bindingId ?? bindingIdFor(g.id);
    removal = await removeBinding(adapter, target, bindingId);
  } catch (e) {
    return onRevokeError(ctx, g, asCloudError(e));
  }
  return finishRevocation(ctx, g, removal);
}

/** active (due or asked) → revoking, audited; or renew the lease of a revocation already under way. */
async function begin(ctx: Ctx, grantId: string, reason: string | undefined, asOf: Date): Promise<GrantRow> {
  return ctx.db.transaction(async (tx) => {
    const g = await getGrantInOrgOrThrow(tx, ctx.orgId, grantId, { lock: true });
    const now = new Date();
    const lease = { nextAttemptAt: new Date(now.getTime() + LEASE_MS), updatedAt: now };
    if (g.status === "revoking" || g.status === "revoke_stuck") {
      const [row] = await tx.update(grants).set(lease).where(eq(grants.id, g.id)).returning();
      return row;
    }
    const due = g.status === "active" && g.expiresAt !== null && g.expiresAt.getTime() <= asOf.getTime();
    if (!reason && !due) return g;
    const next = grantTransition(g.status, { type: "revoke" });
    if (!next.ok) return g;
    const why = reason ?? "expired";
    const [row] = await tx
      .update(grants)
      .set({ status: next.to, revokeReason: why, attempts: 0, lastError: null, ...lease })
      .where(and(eq(grants.id, g.id), eq(grants.orgId, ctx.orgId), eq(grants.status, g.status)))
      .returning();
    await appendAudit(tx, ctx, revokingEvent(g, why));
    return row;
  });
}

/** The `grant.revoking` audit event of a grant leaving `g.status` for `why`. */
export function revokingEvent(g: GrantRow, why: string) {
  return {
    action: "grant.revoking",
    subjectType: "grant",
    subjectId: g.id,
    data: { reason: why, from: g.status, expiresAt: g.expiresAt?.toISOString() ?? null },
  };
}

/**
 * revoking|revoke_stuck → revoked, once: the guarded update lets exactly one concurrent run through. The
 * audit names the instance (process) that did it, so several instances' shares can be told apart.
 */
export async function finishRevocation(ctx: Ctx, g: GrantRow, removal: Removal): Promise<GrantOutcome> {
  const next = grantTransition("revoking", { type: "revoked" });
  if (!next.ok) throw new Error(next.reason);
  const done = await ctx.db.transaction(async (tx) => {
    await lockRequest(tx, ctx.orgId, g.requestId);
    const now = new Date();
    const [row] = await tx
      .update(grants)
      .set({
        status: next.to,
        revokedAt: now,
        nextAttemptAt: null,
        lastError: null,
        updatedAt: now,
        evidence: sql`${grants.evidence} || ${JSON.stringify({ removal })}::jsonb`,
      })
      .where(
        and(
          eq(grants.id, g.id),
          eq(grants.orgId, ctx.orgId),
          inArray(grants.status, [...REVOKING_GRANT_STATUSES]),
        ),
      )
      .returning();
    if (!row) return null;
    await releaseRoleRef(tx, row.cloudRoleId, now);
    const lateMs = row.expiresAt ? Math.max(0, now.getTime() - row.expiresAt.getTime()) : null;
    await appendAudit(tx, ctx, {
      action: "grant.revoked",
      subjectType: "grant",
      subjectId: g.id,
      data: {
        reason: row.revokeReason,
        requestIds: removal.requestIds,
        attempts: row.attempts,
        lateMs,
        instance: instanceId(),
      },
    });
    await completeRequestIfDone(tx, ctx, g.requestId);
    return row;
  });
  return toOutcome(done ?? (await reread(ctx.db, ctx.orgId, g.id)));
}
