import { and, eq, inArray } from "drizzle-orm";
import { grants } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import type { CloudError } from "@/lib/clouds/port";
import type { Ctx } from "@/lib/ctx";
import { grantTransition, REVOKING_GRANT_STATUSES } from "@/lib/grants/grant-state";
import { logger } from "@/lib/log";
import { backoffMs, MAX_ATTEMPTS, REVOKE_BACKOFF } from "./backoff";
import { type GrantOutcome, type GrantRow, reread, toOutcome } from "./queries";

/**
 * A revocation attempt failed: it is never dropped. Count it, retry with backoff; on reaching MAX_ATTEMPTS
 * the grant becomes `revoke_stuck` (audited, alert logged) and keeps being retried, alerting each time.
 */
export async function onRevokeError(ctx: Ctx, g: GrantRow, err: CloudError): Promise<GrantOutcome> {
  const row = await ctx.db.transaction(async (tx) => {
    const [cur] = await tx
      .select()
      .from(grants)
      .where(
        and(
          eq(grants.id, g.id),
          eq(grants.orgId, ctx.orgId),
          inArray(grants.status, [...REVOKING_GRANT_STATUSES]),
        ),
      )
      .for("update");
    if (!cur) return null;
    const attempts = cur.attempts + 1;
    const stuckNow = cur.status === "revoking" && attempts >= MAX_ATTEMPTS;
    const to = stuckNow ? grantTransition("revoking", { type: "revoke_failed" }) : null;
    if (to && !to.ok) throw new Error(to.reason);
    const now = new Date();
    const [r] = await tx
      .update(grants)
      .set({
        status: to?.ok ? to.to : cur.status,
        attempts,
        nextAttemptAt: new Date(
          now.getTime() + backoffMs(attempts, { ...REVOKE_BACKOFF, retryAfterMs: err.retryAfterMs }),
        ),
        lastError: `${err.kind}: ${err.message}`,
        updatedAt: now,
      })
      .where(eq(grants.id, cur.id))
      .returning();
    await appendAudit(tx, ctx, {
      action: stuckNow ? "grant.revoke_stuck" : "grant.revoke_retry",
      subjectType: "grant",
      subjectId: g.id,
      data: { attempts, kind: err.kind, error: err.message, nextAttemptAt: r.nextAttemptAt?.toISOString() },
    });
    return r;
  });
  if (!row) return toOutcome(await reread(ctx.db, ctx.orgId, g.id));
  const fields = {
    orgId: ctx.orgId,
    grantId: g.id,
    attempts: row.attempts,
    kind: err.kind,
    err: err.message,
  };
  if (row.status === "revoke_stuck") {
    // Access may still be live in the cloud (its own expiry condition still holds): a person must look.
    logger.error({ alert: "revoke_stuck", ...fields }, "revocation is stuck; retrying");
  } else {
    logger.warn(fields, "revocation failed; retrying");
  }
  return toOutcome(row);
}
