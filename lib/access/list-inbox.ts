import { and, desc, eq, exists, inArray, ne, not, type SQL } from "drizzle-orm";
import type { SelectedFields } from "drizzle-orm/pg-core";
import { accessRequests, approvals, groups, memberships } from "@/db/schema";
import type { Catalog } from "@/lib/catalog/catalog";
import { type Ctx, hasPermission, requirePerson } from "@/lib/ctx";
import { parseInput } from "@/lib/errors";
import { type RequestDto, type RequestJoinRow, selectRequestRows, toRequestDtos } from "./dto";
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
  const rows = await inboxRows({ ctx, input, extra: {} });
  return { items: await toInboxItems(ctx, rows) };
}

/**
 * The inbox page as rows of the request query, with `extra` columns beside each (the cards read the
 * template's permissions this way): filter, order and limit run in that one query, so a page is one round
 * trip. Authorization is listInbox's; turn the rows into items with toInboxItems.
 */
export async function inboxRows<E extends SelectedFields>({
  ctx,
  input,
  extra,
}: {
  ctx: Ctx;
  input: ListInboxInput;
  extra: E;
}) {
  const actor = requirePerson(ctx);
  const { limit } = parseInput(ListInboxInput, input);
  // Without the permission nothing here is decidable; an empty inbox beats an error on every page load.
  if (!hasPermission(ctx, "requests.approve")) return [];
  return selectRequestRows(ctx.db, extra)
    .where(decidableBy(ctx, actor.userId))
    .orderBy(desc(accessRequests.createdAt), desc(accessRequests.id))
    .limit(limit);
}

/** Items of inboxRows rows, in row order; pass the org's catalog if already loaded (see toRequestDtos). */
export async function toInboxItems(
  ctx: Ctx,
  rows: RequestJoinRow[],
  catalog?: Catalog,
): Promise<InboxItem[]> {
  const dtos = await toRequestDtos(ctx.db, ctx.orgId, rows, catalog);
  return dtos.map((d) => ({ ...d, canDecide: true as const }));
}

/** Requests of this org pending in one of the user's groups, neither asked for nor decided by them. */
function decidableBy(ctx: Ctx, userId: string): SQL | undefined {
  const myGroups = ctx.db
    .select({ name: groups.name })
    .from(memberships)
    .innerJoin(groups, eq(groups.id, memberships.groupId))
    .where(
      and(eq(memberships.orgId, ctx.orgId), eq(groups.orgId, ctx.orgId), eq(memberships.userId, userId)),
    );
  const decidedByMe = ctx.db
    .select({ id: approvals.id })
    .from(approvals)
    .where(and(eq(approvals.requestId, accessRequests.id), eq(approvals.approverId, userId)));
  return and(
    eq(accessRequests.orgId, ctx.orgId),
    eq(accessRequests.status, "pending"),
    ne(accessRequests.requesterId, userId),
    inArray(accessRequests.approverGroup, myGroups),
    not(exists(decidedByMe)),
  );
}
