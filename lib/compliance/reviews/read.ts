import { and, asc, desc, eq, sql } from "drizzle-orm";
import { accessReviewItems, accessReviews, users } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { assertPermission, type Ctx, hasPermission } from "@/lib/ctx";
import { Conflict, NotFound, parseInput } from "@/lib/errors";
import { canDecide } from "./decide";
import { ReviewIdInput } from "./schemas";

export type ReviewItemDto = {
  id: string;
  kind: string;
  subjectId: string;
  label: string;
  decision: string;
  decidedBy: string | null;
  decidedAt: string | null;
  comment: string | null;
  canDecide: boolean;
};
export type ReviewDto = {
  id: string;
  name: string;
  status: string;
  dueAt: string;
  createdAt: string;
  closedAt: string | null;
  counts: { pending: number; confirmed: number; removed: number };
};

const seesAll = (ctx: Ctx) => hasPermission(ctx, "audit.read") || hasPermission(ctx, "compliance.manage");

/** Campaigns, newest first; everyone signed in may see the list (their own items are inside). */
export async function listAccessReviews({ ctx }: { ctx: Ctx }): Promise<ReviewDto[]> {
  const rows = await ctx.db
    .select({
      review: accessReviews,
      pending: sql<number>`count(*) filter (where ${accessReviewItems.decision} = 'pending')::int`,
      confirmed: sql<number>`count(*) filter (where ${accessReviewItems.decision} = 'confirmed')::int`,
      removed: sql<number>`count(*) filter (where ${accessReviewItems.decision} = 'removed')::int`,
    })
    .from(accessReviews)
    .leftJoin(accessReviewItems, eq(accessReviewItems.reviewId, accessReviews.id))
    .where(eq(accessReviews.orgId, ctx.orgId))
    .groupBy(accessReviews.id)
    .orderBy(desc(accessReviews.createdAt));
  return rows.map((r) =>
    toReviewDto(r.review, { pending: r.pending, confirmed: r.confirmed, removed: r.removed }),
  );
}

const toReviewDto = (r: typeof accessReviews.$inferSelect, counts: ReviewDto["counts"]): ReviewDto => ({
  id: r.id,
  name: r.name,
  status: r.status,
  dueAt: r.dueAt.toISOString(),
  createdAt: r.createdAt.toISOString(),
  closedAt: r.closedAt?.toISOString() ?? null,
  counts,
});

/** One campaign with the items this person may see: all for auditors and admins, else the ones they decide. */
export async function getAccessReview({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { reviewId: string };
}): Promise<ReviewDto & { items: ReviewItemDto[] }> {
  const { reviewId } = parseInput(ReviewIdInput, input);
  const [review] = await ctx.db
    .select()
    .from(accessReviews)
    .where(and(eq(accessReviews.id, reviewId), eq(accessReviews.orgId, ctx.orgId)));
  if (!review) throw NotFound("Access review");
  const rows = await ctx.db
    .select({ item: accessReviewItems, decidedBy: users.email })
    .from(accessReviewItems)
    .leftJoin(users, eq(users.id, accessReviewItems.decidedBy))
    .where(eq(accessReviewItems.reviewId, review.id))
    .orderBy(asc(accessReviewItems.kind), asc(accessReviewItems.label));
  const all = seesAll(ctx);
  const items = rows
    .filter((r) => all || canDecide(ctx, r.item))
    .map(({ item: i, decidedBy }) => ({
      id: i.id,
      kind: i.kind,
      subjectId: i.subjectId,
      label: i.label,
      decision: i.decision,
      decidedBy,
      decidedAt: i.decidedAt?.toISOString() ?? null,
      comment: i.comment,
      canDecide: review.status === "open" && i.decision === "pending" && canDecide(ctx, i),
    }));
  const count = (d: string) => rows.filter((r) => r.item.decision === d).length;
  return {
    ...toReviewDto(review, {
      pending: count("pending"),
      confirmed: count("confirmed"),
      removed: count("removed"),
    }),
    items,
  };
}

/** Closes a campaign; pending items stay pending in its report (nothing is confirmed by default). */
export async function closeAccessReview({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { reviewId: string };
}): Promise<void> {
  assertPermission(ctx, "compliance.manage");
  const { reviewId } = parseInput(ReviewIdInput, input);
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(accessReviews)
      .where(and(eq(accessReviews.id, reviewId), eq(accessReviews.orgId, ctx.orgId)))
      .for("update");
    if (!row) throw NotFound("Access review");
    if (row.status === "closed") throw Conflict("This review is already closed");
    await tx
      .update(accessReviews)
      .set({ status: "closed", closedAt: new Date() })
      .where(eq(accessReviews.id, reviewId));
    await appendAudit(tx, ctx, {
      action: "access_review.closed",
      subjectType: "access_review",
      subjectId: reviewId,
      data: { name: row.name },
    });
  });
}
