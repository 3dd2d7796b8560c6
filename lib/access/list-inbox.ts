import { and, desc, eq, exists, inArray, ne, not } from "drizzle-orm";
import { accessRequests, approvals, groups, memberships } from "@/db/schema";
import { type Ctx, hasPermission, requirePerson } from "@/lib/ctx";
import { parseInput } from "@/lib/errors";
import { loadRequestDtos, type RequestDto } from "./dto";
import { ListInboxInput } from "./schemas";

export type InboxItem = RequestDto & { canDecide: true };

/**
 * Pending requests the actor may decide now: their approver group includes the actor (read from the
 * database), the actor did not ask for them and has not decided them yet. Newest first.
 */
export async function listInbox({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ListInboxInput;
}): Promise<{ items: InboxItem[] }> {
  const actor = requirePerson(ctx);
  const { limit } = parseInput(ListInboxInput, input);
  // Without the permission nothing here is decidable; an empty inbox beats an error on every page load.
  if (!hasPermission(ctx, "requests.approve")) return { items: [] };

  const myGroups = ctx.db
    .select({ name: groups.name })
    .from(memberships)
    .innerJoin(groups, eq(groups.id, memberships.groupId))
    .where(
      and(
        eq(memberships.orgId, ctx.orgId),
        eq(groups.orgId, ctx.orgId),
        eq(memberships.userId, actor.userId),
      ),
    );
  const decidedByMe = ctx.db
    .select({ id: approvals.id })
    .from(approvals)
    .where(and(eq(approvals.requestId, accessRequests.id), eq(approvals.approverId, actor.userId)));

  const rows = await ctx.db
    .select({ id: accessRequests.id })
    .from(accessRequests)
    .where(
      and(
        eq(accessRequests.orgId, ctx.orgId),
        eq(accessRequests.status, "pending"),
        ne(accessRequests.requesterId, actor.userId),
        inArray(accessRequests.approverGroup, myGroups),
        not(exists(decidedByMe)),
      ),
    )
    .orderBy(desc(accessRequests.createdAt), desc(accessRequests.id))
    .limit(limit);
  const dtos = await loadRequestDtos(
    ctx.db,
    ctx.orgId,
    rows.map((r) => r.id),
  );
  return { items: dtos.map((d) => ({ ...d, canDecide: true as const })) };
}
