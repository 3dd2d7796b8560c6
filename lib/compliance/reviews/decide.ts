import { and, eq } from "drizzle-orm";
import { accessReviewItems, accessReviews } from "@/db/schema";
import { removeGroupMember } from "@/lib/admin/remove-membership";
import { appendAudit } from "@/lib/audit/append";
import { type Ctx, hasPermission, requirePerson } from "@/lib/ctx";
import { Conflict, NotFound, parseInput } from "@/lib/errors";
import { archiveTemplate } from "@/lib/templates/archive";
import { revokeApiToken } from "@/lib/tokens/manage";
import { DecideReviewItemInput } from "./schemas";

type ItemRow = typeof accessReviewItems.$inferSelect;

/** Who may decide an item: a token's owner (or a user admin); templates: template editors; memberships: user admins. */
export function canDecide(ctx: Ctx, item: Pick<ItemRow, "kind" | "ownerId">): boolean {
  if (item.kind === "template") return hasPermission(ctx, "templates.edit");
  if (item.kind === "membership") return hasPermission(ctx, "users.manage");
  return (
    hasPermission(ctx, "users.manage") || (ctx.actor.type !== "system" && ctx.actor.userId === item.ownerId)
  );
}

/**
 * Confirms or removes one item of an open campaign. Removal goes through the owning area's verb, in the
 * same transaction as the decision: the template is archived, the membership deleted, the token revoked.
 */
export async function decideReviewItem({ ctx, input }: { ctx: Ctx; input: DecideReviewItemInput }) {
  const actor = requirePerson(ctx);
  const { itemId, decision, comment } = parseInput(DecideReviewItemInput, input);
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .select({ item: accessReviewItems, status: accessReviews.status })
      .from(accessReviewItems)
      .innerJoin(accessReviews, eq(accessReviews.id, accessReviewItems.reviewId))
      .where(and(eq(accessReviewItems.id, itemId), eq(accessReviewItems.orgId, ctx.orgId)))
      .for("update");
    // An item someone may not decide answers like a missing one, so ids reveal nothing.
    if (!row || !canDecide(ctx, row.item)) throw NotFound("Review item");
    if (row.status !== "open") throw Conflict("This review is closed");
    if (row.item.decision !== "pending") throw Conflict(`This item was already ${row.item.decision}`);
    const inner: Ctx = { ...ctx, db: tx };
    const { item } = row;
    if (decision === "remove") {
      if (item.kind === "template")
        await archiveTemplate({
          ctx: inner,
          input: { key: item.subjectId, reason: `access review ${item.reviewId}` },
        });
      else if (item.kind === "membership") {
        const [groupId, userId] = item.subjectId.split(":");
        await removeGroupMember({ ctx: inner, input: { groupId, userId } });
      } else await revokeApiToken({ ctx: inner, input: { tokenId: item.subjectId } });
    }
    const outcome = decision === "remove" ? "removed" : "confirmed";
    const [updated] = await tx
      .update(accessReviewItems)
      .set({ decision: outcome, decidedBy: actor.userId, decidedAt: new Date(), comment: comment || null })
      .where(and(eq(accessReviewItems.id, itemId), eq(accessReviewItems.decision, "pending")))
      .returning();
    await appendAudit(tx, ctx, {
      action: "access_review.item_decided",
      subjectType: "access_review",
      subjectId: item.reviewId,
      data: {
        itemId,
        kind: item.kind,
        subject: item.subjectId,
        label: item.label,
        decision: outcome,
        comment: comment || null,
      },
    });
    return updated;
  });
}
