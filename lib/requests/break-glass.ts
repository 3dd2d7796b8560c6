import { and, eq, isNull, lte, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { accessRequests } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { assertPermission, type Ctx, requirePerson } from "@/lib/ctx";
import { Conflict, Forbidden, parseInput } from "@/lib/errors";
import type { WorkflowEvent } from "@/lib/workflows/port";
import { systemCtx } from "@/lib/workflows/system-ctx";
import { loadRequestDto, type RequestDto } from "./dto";
import { getRequestInOrgOrThrow } from "./queries";

type AlertEvent = Extract<WorkflowEvent, { name: "alert.raised" }>;

/** The admins' alert for a break-glass activation, or for its review falling overdue. */
export function breakGlassAlert(
  orgId: string,
  request: { id: string; requester: { email: string }; grants: { id: string }[]; targetIds?: string[] },
  what: "activated" | "review_overdue",
): AlertEvent {
  return {
    name: "alert.raised",
    orgId,
    kind: what === "activated" ? "break_glass.activated" : "break_glass.review_overdue",
    grantId: request.grants[0]?.id ?? null,
    status: null,
    message:
      what === "activated"
        ? `Break-glass access self-activated by ${request.requester.email} (request ${request.id}); review it`
        : `Break-glass request ${request.id} by ${request.requester.email} was not reviewed in time`,
    source: "break-glass",
    occurrence: `break-glass:${what}:${request.id}`,
  };
}

export const ReviewBreakGlassInput = z.object({
  requestId: z.uuid(),
  comment: z.string().trim().min(1, "say what the review found").max(2000),
});
export type ReviewBreakGlassInput = z.input<typeof ReviewBreakGlassInput>;

/** The post-hoc review of a break-glass request: by an admin other than the person who used it. */
export async function reviewBreakGlass({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ReviewBreakGlassInput;
}): Promise<RequestDto> {
  assertPermission(ctx, "grants.revoke");
  const actor = requirePerson(ctx);
  const { requestId, comment } = parseInput(ReviewBreakGlassInput, input);
  return ctx.db.transaction(async (tx) => {
    const r = await getRequestInOrgOrThrow(tx, ctx.orgId, requestId, { lock: true });
    if (!r.breakGlass) throw Conflict("This request is not a break-glass request");
    if (r.requesterId === actor.userId) throw Forbidden("You cannot review your own break-glass access");
    if (r.reviewedAt) throw Conflict("This break-glass request is already reviewed");
    const now = new Date();
    await tx
      .update(accessRequests)
      .set({ reviewedAt: now, reviewedBy: actor.userId, updatedAt: now })
      .where(eq(accessRequests.id, requestId));
    await appendAudit(tx, ctx, {
      action: "request.break_glass_reviewed",
      subjectType: "request",
      subjectId: requestId,
      data: { comment, late: r.reviewDueAt ? now > r.reviewDueAt : false },
    });
    return loadRequestDto(tx, ctx.orgId, requestId);
  });
}

/**
 * Reconciler pass: break-glass requests whose review is overdue escalate once (audit + another alert).
 * Each row is claimed with `skip locked`, so concurrent reconcilers escalate it once.
 */
export async function escalateOverdueReviews(
  db: Db,
  now: Date,
  opts: { limit?: number; orgId?: string; dispatch?: (e: WorkflowEvent[]) => Promise<void> } = {},
): Promise<number> {
  const events: WorkflowEvent[] = [];
  const n = await db.transaction(async (tx) => {
    const rows = await tx
      .select({ id: accessRequests.id, orgId: accessRequests.orgId, dueAt: accessRequests.reviewDueAt })
      .from(accessRequests)
      .where(
        and(
          eq(accessRequests.breakGlass, true),
          isNull(accessRequests.reviewedAt),
          isNull(accessRequests.reviewEscalatedAt),
          lte(accessRequests.reviewDueAt, now),
          opts.orgId ? eq(accessRequests.orgId, opts.orgId) : undefined,
        ),
      )
      .orderBy(accessRequests.reviewDueAt)
      .limit(opts.limit ?? 200)
      .for("update", { skipLocked: true });
    for (const row of rows) {
      await tx
        .update(accessRequests)
        .set({ reviewEscalatedAt: now, updatedAt: sql`now()` })
        .where(eq(accessRequests.id, row.id));
      await appendAudit(tx, systemCtx(tx, row.orgId, "reconciler"), {
        action: "request.break_glass_review_overdue",
        subjectType: "request",
        subjectId: row.id,
        data: { reviewDueAt: row.dueAt?.toISOString() ?? null },
      });
      events.push(breakGlassAlert(row.orgId, await loadRequestDto(tx, row.orgId, row.id), "review_overdue"));
    }
    return rows.length;
  });
  if (events.length > 0 && opts.dispatch) await opts.dispatch(events);
  return n;
}
