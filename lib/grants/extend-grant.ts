import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { grants, policies } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { type Ctx, hasPermission, isPerson } from "@/lib/ctx";
import { Conflict, LimitExceeded, parseInput, Unavailable } from "@/lib/errors";
import { type GrantDto, loadGrantDto } from "../requests/dto";
import { getGrantInOrgOrThrow, getRequestInOrgOrThrow } from "../requests/queries";
import { canSeeGrant, refuse } from "../requests/visibility";

export const ExtendGrantInput = z.object({
  grantId: z.uuid(),
  // int() also rejects NaN, ±Infinity and unsafe integers.
  minutes: z.number({ error: "must be a number of minutes" }).int("must be whole minutes").positive(),
  reason: z.string().trim().min(1, "say why more time is needed").max(500),
  /**
   * The expiry the caller was looking at. When given, an extension made meanwhile answers Conflict instead
   * of adding on top: a double submit applies once however the two requests interleave.
   */
  currentExpiresAt: z.iso.datetime({ offset: true }).optional(),
});
export type ExtendGrantInput = z.input<typeof ExtendGrantInput>;

/**
 * "Extend" by the grant's own user (or an admin holding `grants.revoke`): moves an active grant's expiry
 * later, keeping its total length within the max duration of the policy the request was judged by. Only the
 * database moves here; the cloud keeps the old expiry until applyExtension re-binds (run by the workflow
 * after the commit, retried by the reconciler), so a failure there ends access early, never late.
 */
export async function extendGrant({ ctx, input }: { ctx: Ctx; input: ExtendGrantInput }): Promise<GrantDto> {
  const { grantId, minutes, reason, currentExpiresAt } = parseInput(ExtendGrantInput, input);

  // Read without a lock: the update below is guarded on this expiry, so of two extensions made from the
  // same view of the grant (a double submit) exactly one applies and the other answers Conflict.
  const seen = await getGrantInOrgOrThrow(ctx.db, ctx.orgId, grantId);
  const isOwner = isPerson(ctx.actor) && ctx.actor.userId === seen.userId;
  if (!isOwner && !hasPermission(ctx, "grants.revoke")) {
    throw refuse(canSeeGrant(ctx, seen), "Grant", "Only an admin or the grant's own user can extend it");
  }
  if (seen.status !== "active" || !seen.expiresAt || !seen.activatedAt) {
    throw Conflict(`Only active access can be extended; this grant is ${seen.status}`);
  }
  const from = seen.expiresAt;
  if (currentExpiresAt && Date.parse(currentExpiresAt) !== from.getTime()) throw extendedMeanwhile();
  const activatedAt = seen.activatedAt;
  // Compared as milliseconds: past year 275760 a Date is Invalid, and NaN would pass the limit check below.
  const toMs = from.getTime() + minutes * 60_000;
  const to = new Date(toMs);

  const dto = await ctx.db.transaction(async (tx) => {
    const { maxSeconds, autoExtendSeconds, request } = await policyLimits(tx, ctx.orgId, seen.requestId);
    // Extensions are automatic up to the policy's limit (added time past the approved duration); beyond
    // it the access needs approving again: a new request.
    const extendedMs = toMs - activatedAt.getTime() - request.durationSeconds * 1000;
    if (extendedMs > autoExtendSeconds * 1000) {
      throw LimitExceeded(
        `minutes: extensions beyond ${Math.floor(autoExtendSeconds / 60)} minutes need approval; submit a new request`,
        "minutes",
      );
    }
    // Total length counts from activation: extensions cannot add up past what one request may ask for.
    if (toMs - activatedAt.getTime() > maxSeconds * 1000) {
      const usedMs = from.getTime() - activatedAt.getTime();
      const left = Math.max(0, Math.floor((maxSeconds * 1000 - usedMs) / 60_000));
      throw LimitExceeded(
        `minutes: at most ${left} more minutes; the policy allows ${Math.floor(maxSeconds / 60)} minutes in total`,
        "minutes",
      );
    }
    const now = new Date();
    const updated = await tx
      .update(grants)
      // nextAttemptAt marks the cloud re-bind as owed: the reconciler applies it if the workflow does not.
      .set({ expiresAt: to, nextAttemptAt: now, updatedAt: now })
      .where(
        and(
          eq(grants.id, grantId),
          eq(grants.orgId, ctx.orgId),
          eq(grants.status, "active"),
          eq(grants.expiresAt, from),
        ),
      )
      .returning({ id: grants.id });
    if (updated.length === 0) {
      const current = await getGrantInOrgOrThrow(tx, ctx.orgId, grantId);
      if (current.status === "active") throw extendedMeanwhile();
      throw Conflict(`Only active access can be extended; this grant is ${current.status}`);
    }
    await appendAudit(tx, ctx, {
      action: "grant.extended",
      subjectType: "grant",
      subjectId: grantId,
      data: {
        from: from.toISOString(),
        to: to.toISOString(),
        minutes,
        reason,
        by: isOwner ? "owner" : ctx.actor.type === "system" ? "system" : "admin",
        requestId: seen.requestId,
      },
    });
    return loadGrantDto(tx, ctx.orgId, grantId);
  });

  await ctx.workflows.dispatch([
    { name: "grant.extended", orgId: ctx.orgId, grantId, expiresAt: to.toISOString() },
  ]);
  return dto;
}

const extendedMeanwhile = () =>
  Conflict("This grant was extended meanwhile; check its new expiry and try again");

/**
 * The limits of the policy version the request was judged by (its stored outcome; older requests: that
 * version's defaults), not today's: the max total duration, and how much extension needs no re-approval.
 */
async function policyLimits(tx: Db, orgId: string, requestId: string) {
  const request = await getRequestInOrgOrThrow(tx, orgId, requestId);
  if (request.policyOutcome) {
    const d = request.policyOutcome.decision;
    return { maxSeconds: d.maxDurationSeconds, autoExtendSeconds: d.extensions.autoUpToSeconds, request };
  }
  const [policy] = await tx
    .select({ document: policies.document })
    .from(policies)
    .where(and(eq(policies.id, request.policyId), eq(policies.orgId, orgId)));
  if (!policy) throw Unavailable("The policy this request was judged by is missing");
  const d = policy.document.defaults;
  return { maxSeconds: d.maxDurationSeconds, autoExtendSeconds: d.extensions.autoUpToSeconds, request };
}
