import { and, eq } from "drizzle-orm";
import { groups, memberships, users } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { assertPermission, type Ctx } from "@/lib/ctx";
import { NotFound } from "@/lib/errors";

/**
 * Removes one person from one group. An IdP-sourced membership comes back at the person's next sign-in if
 * the IdP still lists them, so the audit row says so; remove it in the IdP as well (docs/compliance.md).
 */
export async function removeGroupMember({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { groupId: string; userId: string };
}): Promise<{ removed: boolean }> {
  assertPermission(ctx, "users.manage");
  return ctx.db.transaction(async (tx) => {
    const [group] = await tx
      .select()
      .from(groups)
      .where(and(eq(groups.id, input.groupId), eq(groups.orgId, ctx.orgId)));
    const [user] = await tx
      .select({ id: users.id, email: users.email })
      .from(users)
      .where(and(eq(users.id, input.userId), eq(users.orgId, ctx.orgId)));
    if (!group || !user) throw NotFound("Membership");
    const deleted = await tx
      .delete(memberships)
      .where(
        and(
          eq(memberships.groupId, group.id),
          eq(memberships.userId, user.id),
          eq(memberships.orgId, ctx.orgId),
        ),
      )
      .returning({ userId: memberships.userId });
    if (deleted.length > 0)
      await appendAudit(tx, ctx, {
        action: "group.member_removed",
        subjectType: "group",
        subjectId: group.id,
        data: { group: group.name, userId: user.id, email: user.email, source: group.source },
      });
    return { removed: deleted.length > 0 };
  });
}
