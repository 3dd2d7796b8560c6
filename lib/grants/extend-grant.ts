import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { accessRequests, type grants, policies } from "@/db/schema";
import { type Ctx, hasPermission, isPerson } from "@/lib/ctx";
import { AppError, Conflict, LimitExceeded, parseInput, Unavailable } from "@/lib/errors";
import { type GrantDto, loadGrantDto } from "../requests/dto";
import { getGrantInOrgOrThrow, getRequestInOrgOrThrow, type RequestRow } from "../requests/queries";
import { submitRequest } from "../requests/submit";
import { moveExpiry } from "./approved-extension";

type GrantRow = typeof grants.$inferSelect;

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

/** What an extension did: applied at once, or sent for approval as an extension request. */
export type ExtendOutcome = GrantDto & { extensionRequestId: string | null };

/**
 * "Extend" by the grant's own user (or an admin holding `grants.revoke`): moves an active grant's expiry
 * later. Up to the policy's automatic limit (time added past the approved duration) it applies at once,
 * keeping the total length within the policy's maximum. Beyond it, the grant's user gets an extension
 * request that the request's approvers decide like any other (lib/grants/approved-extension.ts applies it).
 * Only the database moves here; the cloud keeps the old expiry until applyExtension re-binds (run by the
 * workflow after the commit, retried by the reconciler), so a failure there ends access early, never late.
 */
export async function extendGrant({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ExtendGrantInput;
}): Promise<ExtendOutcome> {
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

  // The limits of the policy the request was judged by: stored with the request, they do not change.
  const { maxSeconds, autoExtendSeconds, request } = await policyLimits(ctx.db, ctx.orgId, seen.requestId);
  const extendedMs = toMs - activatedAt.getTime() - request.durationSeconds * 1000;
  if (extendedMs > autoExtendSeconds * 1000) {
    const limit = Math.floor(autoExtendSeconds / 60);
    if (!isOwner) {
      throw LimitExceeded(
        `minutes: extensions beyond ${limit} minutes need approval; the grant's user can ask for it`,
        "minutes",
      );
    }
    const asked = await askApproval(ctx, seen, request, { minutes, reason });
    return { ...(await loadGrantDto(ctx.db, ctx.orgId, grantId)), extensionRequestId: asked };
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

  const dto = await ctx.db.transaction(async (tx) => {
    const moved = await moveExpiry(tx, ctx, {
      grantId,
      from,
      to,
      data: {
        minutes,
        reason,
        by: isOwner ? "owner" : ctx.actor.type === "system" ? "system" : "admin",
        requestId: seen.requestId,
      },
    });
    if (!moved) {
      const current = await getGrantInOrgOrThrow(tx, ctx.orgId, grantId);
      if (current.status === "active") throw extendedMeanwhile();
      throw Conflict(`Only active access can be extended; this grant is ${current.status}`);
    }
    return loadGrantDto(tx, ctx.orgId, grantId);
  });

  await ctx.workflows.dispatch([
    { name: "grant.extended", orgId: ctx.orgId, grantId, expiresAt: to.toISOString() },
  ]);
  return { ...dto, extensionRequestId: null };
}

/**
 * An extension request for the grant: the same target, task and resource, `minutes` as its duration and
 * the reason as its justification, judged by today's policy like any request (approvers, quorum, automatic
 * rules). One at a time per grant.
 */
async function askApproval(
  ctx: Ctx,
  grant: GrantRow,
  request: RequestRow,
  ask: { minutes: number; reason: string },
): Promise<string> {
  const [open] = await ctx.db
    .select({ id: accessRequests.id })
    .from(accessRequests)
    .where(
      and(
        eq(accessRequests.orgId, ctx.orgId),
        eq(accessRequests.extendsGrantId, grant.id),
        eq(accessRequests.status, "pending"),
      ),
    );
  if (open) throw Conflict("An extension of this grant is already waiting for approval");
  const submitted = await submitRequest({
    ctx,
    input: {
      targetId: grant.targetId,
      templateId: request.templateId,
      permissions: request.templateId ? null : request.permissions,
      resource: request.resource,
      resourceKind: request.templateId ? null : request.resourceKind,
      durationMinutes: ask.minutes,
      justification: ask.reason,
      ticketUrl: request.ticketUrl,
    },
    extending: { grantId: grant.id },
  }).catch((e: unknown) => {
    throw inExtendTerms(e);
  });
  return submitted.id;
}

/** The request's fields are the extension's: `durationMinutes` is what was asked as `minutes`, and so on. */
const EXTEND_FIELDS: Record<string, string> = { durationMinutes: "minutes", justification: "reason" };
function inExtendTerms(e: unknown): unknown {
  if (!(e instanceof AppError) || !e.field || !EXTEND_FIELDS[e.field]) return e;
  const field = EXTEND_FIELDS[e.field];
  const message = e.message.startsWith(`${e.field}:`)
    ? `${field}:${e.message.slice(e.field.length + 1)}`
    : `${field}: ${e.message}`;
  return new AppError(e.code, message, field, e.retryAfterSeconds);
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
