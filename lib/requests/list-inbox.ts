import { and, desc, eq, exists, inArray, ne, not, or, type Placeholder, type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { preparedPerDb } from "@/db/prepared";
import { accessRequests, approvals, groups, memberships } from "@/db/schema";
import { type Ctx, hasPermission, requirePerson } from "@/lib/ctx";
import { parseInput } from "@/lib/errors";
import { type RequestDto, selectRequestRows, toRequestDtos } from "./dto";
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
  const params = inboxParams(ctx, input);
  if (!params) return { items: [] };
  const rows = await inboxItemsQuery(ctx.db).execute(params);
  const dtos = await toRequestDtos(ctx.db, ctx.orgId, rows);
  return { items: dtos.map((d) => ({ ...d, canDecide: true as const })) };
}

/**
 * Who is asking and how many: the placeholders of inboxQuery, or null when the actor may decide nothing
 * (without the permission an empty inbox beats an error on every page load). A person only.
 */
export function inboxParams(
  ctx: Ctx,
  input: ListInboxInput,
): { orgId: string; userId: string; limit: number } | null {
  const actor = requirePerson(ctx);
  const { limit } = parseInput(ListInboxInput, input);
  if (!hasPermission(ctx, "requests.approve")) return null;
  return { orgId: ctx.orgId, userId: actor.userId, limit };
}

/**
 * The inbox as request rows, built once per database handle: decidableBy's filter, newest first, with org,
 * user and limit as placeholders (inboxParams). The cards (listInboxCards) use the same filter and order.
 */
const inboxItemsQuery = preparedPerDb((db) =>
  selectRequestRows(db, {})
    .where(decidableBy(db, sql.placeholder("orgId"), sql.placeholder("userId")))
    .orderBy(desc(accessRequests.createdAt), desc(accessRequests.id))
    .limit(sql.placeholder("limit"))
    .prepare("inbox_items"),
);

/**
 * Requests of this org pending in one of the user's groups, neither asked for nor decided by them. The org
 * and user are values, or placeholders in a prepared statement.
 */
export function decidableBy(
  db: Db,
  orgId: string | Placeholder,
  userId: string | Placeholder,
): SQL | undefined {
  const myGroups = db
    .select({ name: groups.name })
    .from(memberships)
    .innerJoin(groups, eq(groups.id, memberships.groupId))
    .where(and(eq(memberships.orgId, orgId), eq(groups.orgId, orgId), eq(memberships.userId, userId)));
  const decidedByMe = db
    .select({ id: approvals.id })
    .from(approvals)
    .where(and(eq(approvals.requestId, accessRequests.id), eq(approvals.approverId, userId)));
  return and(
    eq(accessRequests.orgId, orgId),
    eq(accessRequests.status, "pending"),
    ne(accessRequests.requesterId, userId),
    // Any of the request's approver groups (the policy may name several; older rows name one).
    or(
      inArray(accessRequests.approverGroup, myGroups),
      sql`coalesce(${accessRequests.policyOutcome} -> 'decision' -> 'approverGroups', '[]'::jsonb) ?| array(${myGroups})`,
    ),
    not(exists(decidedByMe)),
  );
}
