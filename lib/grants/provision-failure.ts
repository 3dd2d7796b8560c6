import { and, eq, sql } from "drizzle-orm";
import { grants } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { bindingIdFor, type CloudAdapter, CloudError, type TargetRow } from "@/lib/clouds/port";
import { adapterFor } from "@/lib/clouds/registry";
import type { Ctx } from "@/lib/ctx";
import { grantTransition } from "@/lib/grants/grant-state";
import { logger } from "@/lib/log";
import { backoffMs, MAX_ATTEMPTS, PROVISION_BACKOFF } from "./backoff";
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

/** Any failure as a classified cloud error; unknown errors (database, bugs) are worth a retry. */
export function asCloudError(e: unknown): CloudError {
  if (e instanceof CloudError) return e;
  return new CloudError("retryable", e instanceof Error ? e.message : String(e));
}

/**
 * A provisioning attempt failed: schedule a retry with backoff, or, for a permanent error or the last
 * attempt, clean up. Giving up is recorded first (attempts = MAX) so a crash mid-cleanup resumes the cleanup.
 */
export async function onProvisionError(
  ctx: Ctx,
  g: GrantRow,
  target: TargetRow,
  e: unknown,
): Promise<GrantOutcome> {
  const err = asCloudError(e);
  const attempts = g.attempts + 1;
  const giveUp = err.kind === "permanent" || attempts >= MAX_ATTEMPTS;
  const now = Date.now();
  const delay = backoffMs(attempts, { ...PROVISION_BACKOFF, retryAfterMs: err.retryAfterMs });
  logger.warn(
    { orgId: ctx.orgId, grantId: g.id, kind: err.kind, attempts, giveUp, err: err.message },
    "provisioning failed",
  );
  const row = await ctx.db.transaction(async (tx) => {
    const [r] = await tx
      .update(grants)
      .set({
        attempts: giveUp ? Math.max(attempts, MAX_ATTEMPTS) : attempts,
        nextAttemptAt: new Date(now + delay),
        lastError: `${err.kind}: ${err.message}`,
        updatedAt: new Date(now),
      })
      .where(and(eq(grants.id, g.id), eq(grants.orgId, ctx.orgId), eq(grants.status, "provisioning")))
      .returning();
    if (r && !giveUp) {
      await appendAudit(tx, ctx, {
        action: "grant.provision_retry",
        subjectType: "grant",
        subjectId: g.id,
        data: { attempts, kind: err.kind, error: err.message, nextAttemptAt: r.nextAttemptAt?.toISOString() },
      });
    }
    return r;
  });
  // Left provisioning meanwhile (a revocation took over): nothing more to do here.
  if (!row) return toOutcome(await reread(ctx.db, ctx.orgId, g.id));
  return giveUp ? cleanupFailedProvision(ctx, row, target, `${err.kind}: ${err.message}`) : toOutcome(row);
}

/** Removes whatever the attempts made, then provisioning → failed, releasing the role reference. */
export async function cleanupFailedProvision(
  ctx: Ctx,
  g: GrantRow,
  target: TargetRow,
  reason: string,
): Promise<GrantOutcome> {
  const bindingId = g.bindingId ?? bindingIdFor(g.id);
  let adapter: CloudAdapter | null = null;
  try {
    adapter = adapterFor(ctx.db, target);
  } catch {
    // No adapter for this target: no call ever reached a cloud, so there is nothing to remove.
  }
  let removal: Removal | null = null;
  if (adapter) {
    try {
      removal = await removeBinding(adapter, target, bindingId);
    } catch (e) {
      const err = asCloudError(e);
      logger.error(
        { alert: true, orgId: ctx.orgId, grantId: g.id, err: err.message },
        "cleanup of a failed grant failed",
      );
      const [row] = await ctx.db
        .update(grants)
        .set({
          nextAttemptAt: new Date(
            Date.now() + backoffMs(g.attempts, { ...PROVISION_BACKOFF, retryAfterMs: err.retryAfterMs }),
          ),
          lastError: `cleanup: ${err.kind}: ${err.message}`,
          updatedAt: new Date(),
        })
        .where(and(eq(grants.id, g.id), eq(grants.status, "provisioning")))
        .returning();
      return toOutcome(row ?? (await reread(ctx.db, ctx.orgId, g.id)));
    }
  }
  const next = grantTransition("provisioning", { type: "provision_failed" });
  if (!next.ok) throw new Error(next.reason);
  const failed = await ctx.db.transaction(async (tx) => {
    await lockRequest(tx, ctx.orgId, g.requestId);
    const now = new Date();
    const [row] = await tx
      .update(grants)
      .set({
        status: next.to,
        nextAttemptAt: null,
        lastError: reason,
        updatedAt: now,
        ...(removal ? { evidence: sql`${grants.evidence} || ${JSON.stringify({ removal })}::jsonb` } : {}),
      })
      .where(and(eq(grants.id, g.id), eq(grants.orgId, ctx.orgId), eq(grants.status, "provisioning")))
      .returning();
    if (!row) return null;
    await releaseRoleRef(tx, row.cloudRoleId, now);
    await appendAudit(tx, ctx, {
      action: "grant.failed",
      subjectType: "grant",
      subjectId: g.id,
      data: { reason, attempts: row.attempts, removal },
    });
    await completeRequestIfDone(tx, ctx, g.requestId);
    return row;
  });
  return toOutcome(failed ?? (await reread(ctx.db, ctx.orgId, g.id)));
}
