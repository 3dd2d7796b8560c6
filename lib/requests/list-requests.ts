import { and, desc, eq, type SQL, sql } from "drizzle-orm";
import { preparedPerShape } from "@/db/prepared";
import { accessRequests } from "@/db/schema";
import { assertPermission, type Ctx, requirePerson } from "@/lib/ctx";
import { parseInput } from "@/lib/errors";
import { afterCursorPlaceholders, cursorParams, keysetText, page } from "./cursor";
import { type RequestDto, selectRequestRows, toRequestDtos } from "./dto";
import { ListRequestsInput } from "./schemas";

/**
 * Requests, newest first, one keyset page at a time. "all" needs `requests.read.all`. The page and its DTOs
 * (approvals, grants) come from one query; only the page's rows become DTOs, not the one that peeks ahead.
 */
export async function listRequests({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ListRequestsInput;
}): Promise<{ items: RequestDto[]; nextCursor: string | null }> {
  const { scope, status, targetId, limit, cursor } = parseInput(ListRequestsInput, input);
  assertPermission(ctx, scope === "all" ? "requests.read.all" : "requests.read.own");
  const after = cursorParams(cursor);
  const rows = await requestsPageQuery(ctx.db, {
    mine: scope !== "all",
    status: Boolean(status),
    target: Boolean(targetId),
    cursor: Boolean(cursor),
  }).execute({
    orgId: ctx.orgId,
    userId: scope === "all" ? null : requirePerson(ctx).userId,
    status: status ?? null,
    targetId: targetId ?? null,
    ...after,
    limit: limit + 1,
  });
  const { items, nextCursor } = page(rows, limit);
  return { items: await toRequestDtos(ctx.db, ctx.orgId, items), nextCursor };
}

/** One page of requests, newest first; the filters present choose the prepared query (see preparedPerShape). */
const requestsPageQuery = preparedPerShape(
  (db, shape: { mine: boolean; status: boolean; target: boolean; cursor: boolean }) => {
    const filters: SQL[] = [eq(accessRequests.orgId, sql.placeholder("orgId"))];
    if (shape.mine) filters.push(eq(accessRequests.requesterId, sql.placeholder("userId")));
    if (shape.status) filters.push(eq(accessRequests.status, sql.placeholder("status")));
    if (shape.target) filters.push(eq(accessRequests.targetId, sql.placeholder("targetId")));
    if (shape.cursor) filters.push(afterCursorPlaceholders(accessRequests.createdAt, accessRequests.id));
    return selectRequestRows(db, { id: accessRequests.id, keyset: keysetText(accessRequests.createdAt) })
      .where(and(...filters))
      .orderBy(desc(accessRequests.createdAt), desc(accessRequests.id))
      .limit(sql.placeholder("limit"))
      .prepare("requests_page");
  },
);
