import { and, desc, eq, type SQL } from "drizzle-orm";
import { accessRequests } from "@/db/schema";
import { assertPermission, type Ctx, requirePerson } from "@/lib/ctx";
import { parseInput } from "@/lib/errors";
import { afterCursor, decodeCursor, keysetText, page } from "./cursor";
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
  const filters: SQL[] = [eq(accessRequests.orgId, ctx.orgId)];
  if (scope === "all") {
    assertPermission(ctx, "requests.read.all");
  } else {
    assertPermission(ctx, "requests.read.own");
    filters.push(eq(accessRequests.requesterId, requirePerson(ctx).userId));
  }
  if (status) filters.push(eq(accessRequests.status, status));
  if (targetId) filters.push(eq(accessRequests.targetId, targetId));
  if (cursor) filters.push(afterCursor(accessRequests.createdAt, accessRequests.id, decodeCursor(cursor)));

  const rows = await selectRequestRows(ctx.db, {
    id: accessRequests.id,
    keyset: keysetText(accessRequests.createdAt),
  })
    .where(and(...filters))
    .orderBy(desc(accessRequests.createdAt), desc(accessRequests.id))
    .limit(limit + 1);
  const { items, nextCursor } = page(rows, limit);
  return { items: await toRequestDtos(ctx.db, ctx.orgId, items), nextCursor };
}
