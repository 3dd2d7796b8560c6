import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { grants } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import type { Ctx } from "@/lib/ctx";
import { parseInput } from "@/lib/errors";
import { grantTransition } from "@/lib/grants/grant-state";
import { logger } from "@/lib/log";
import { getGrantInOrgOrThrow, getTargetInOrgOrThrow } from "@/lib/requests/queries";
import { MAX_ATTEMPTS } from "./backoff";
import { cleanupFailedProvision } from "./provision-failure";
import {
  assertSystem,
  completeRequestIfDone,
  type GrantOutcome,
  type GrantRow,
  lockRequest,
  releaseRoleRef,
  toOutcome,
} from "./queries";

export const MarkGrantFailedInput = z.object({
  grantId: z.uuid(),
  reason: z.string().trim().min(1).max(1000),
});
export type MarkGrantFailedInput = z.input<typeof MarkGrantFailedInput>;

/**
 * A durable workflow ran out of retries on this grant: make it visible and safe. A grant not live yet
 * (scheduled, provisioning) is cleaned up in the cloud and ends `failed`; a revocation under way becomes
 * `revoke_stuck` (alerting, and the reconciler keeps retrying it); an active grant keeps its cloud-enforced
 * expiry and the reconciler revokes it when due, so only the error is recorded. Terminal grants, and grants
 * already stuck, are left as they are. Safe to run twice.
 */
export async function markGrantFailed({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: MarkGrantFailedInput;
}): Promise<GrantOutcome> {
  assertSystem(ctx);
  const { grantId, reason } = parseInput(MarkGrantFailedInput, input);
  const why = `workflow: ${reason}`;
  // Each guarded update either applies or finds the grant moved on; statuses only move forward, so this ends.
  for (;;) {
    const g = await getGrantInOrgOrThrow(ctx.db, ctx.orgId, grantId);
    const done =
      g.status === "scheduled"
        ? await failScheduled(ctx, g, why)
        : g.status === "provisioning"
          ? await giveUpProvisioning(ctx, g, why)
          : g.status === "revoking"
            ? await markStuck(ctx, g, why)
            : g.status === "active"
              ? await recordError(ctx, g, why)
              : toOutcome(g);
    if (done) return done;
  }
}

/** Nothing reached the cloud yet: scheduled → failed directly. */
async function failScheduled(ctx: Ctx, g: GrantRow, why: string): Promise<GrantOutcome | null> {
  const next = grantTransition("scheduled", { type: "provision_failed" });
  if (!next.ok) throw new Error(next.reason);
  const row = await ctx.db.transaction(async (tx) => {
    await lockRequest(tx, ctx.orgId, g.requestId);
    const now = new Date();
    const [r] = await tx
      .update(grants)
      .set({ status: next.to, lastError: why, nextAttemptAt: null, updatedAt: now })
      .where(and(eq(grants.id, g.id), eq(grants.orgId, ctx.orgId), eq(grants.status, "scheduled")))
      .returning();
    if (!r) return null;
    await releaseRoleRef(tx, r.cloudRoleId, now);
    await appendAudit(tx, ctx, {
      action: "grant.failed",
      subjectType: "grant",
      subjectId: g.id,
      data: { reason: why, attempts: r.attempts, removal: null },
    });
    await completeRequestIfDone(tx, ctx, g.requestId);
    return r;
  });
  return row ? toOutcome(row) : null;
}

/**
 * Gives up first (attempts = MAX, audited), then removes whatever was made and ends `failed`. If the cleanup
 * itself fails the grant stays `provisioning` with a retry time, and the reconciler's provisionGrant, seeing
 * the attempts spent, finishes the cleanup instead of provisioning.
 */
async function giveUpProvisioning(ctx: Ctx, g: GrantRow, why: string): Promise<GrantOutcome | null> {
  const row = await ctx.db.transaction(async (tx) => {
    const [r] = await tx
      .update(grants)
      .set({
        attempts: sql`greatest(${grants.attempts}, ${MAX_ATTEMPTS})`,
        lastError: why,
        updatedAt: new Date(),
      })
      .where(and(eq(grants.id, g.id), eq(grants.orgId, ctx.orgId), eq(grants.status, "provisioning")))
      .returning();
    if (!r) return null;
    await appendAudit(tx, ctx, {
      action: "grant.provision_abandoned",
      subjectType: "grant",
      subjectId: g.id,
      data: { reason: why, attempts: g.attempts },
    });
    return r;
  });
  if (!row) return null;
  const target = await getTargetInOrgOrThrow(ctx.db, ctx.orgId, row.targetId);
  return cleanupFailedProvision(ctx, row, target, why);
}

/** revoking → revoke_stuck, due for another attempt now: the access may still be live, a person must look. */
async function markStuck(ctx: Ctx, g: GrantRow, why: string): Promise<GrantOutcome | null> {
  const next = grantTransition("revoking", { type: "revoke_failed" });
  if (!next.ok) throw new Error(next.reason);
  const row = await ctx.db.transaction(async (tx) => {
    const now = new Date();
    const [r] = await tx
      .update(grants)
      .set({ status: next.to, lastError: why, nextAttemptAt: now, updatedAt: now })
      .where(and(eq(grants.id, g.id), eq(grants.orgId, ctx.orgId), eq(grants.status, "revoking")))
      .returning();
    if (!r) return null;
    await appendAudit(tx, ctx, {
      action: "grant.revoke_stuck",
      subjectType: "grant",
      subjectId: g.id,
      data: { reason: why, attempts: r.attempts },
    });
    return r;
  });
  if (!row) return null;
  logger.error({ alert: "revoke_stuck", orgId: ctx.orgId, grantId: g.id, err: why }, "revocation is stuck");
  return toOutcome(row);
}

/** An active grant stays active (the cloud enforces its expiry); the failure is recorded on it and audited. */
async function recordError(ctx: Ctx, g: GrantRow, why: string): Promise<GrantOutcome | null> {
  if (g.lastError === why) return toOutcome(g);
  const row = await ctx.db.transaction(async (tx) => {
    const [r] = await tx
      .update(grants)
      .set({ lastError: why, updatedAt: new Date() })
      .where(and(eq(grants.id, g.id), eq(grants.orgId, ctx.orgId), eq(grants.status, "active")))
      .returning();
    if (!r) return null;
    await appendAudit(tx, ctx, {
      action: "grant.workflow_failed",
      subjectType: "grant",
      subjectId: g.id,
      data: { reason: why, expiresAt: r.expiresAt?.toISOString() ?? null },
    });
    return r;
  });
  return row ? toOutcome(row) : null;
}
