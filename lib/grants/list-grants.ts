import { and, desc, eq, inArray, type SQL } from "drizzle-orm";
import { grants } from "@/db/schema";
import { assertPermission, type Ctx, requirePerson } from "@/lib/ctx";
import { parseInput } from "@/lib/errors";
import { afterCursor, decodeCursor, keysetText, page } from "../requests/cursor";
import { type GrantDto, loadGrantDtos } from "../requests/dto";
import { LIVE_GRANT_STATUSES } from "./grant-state";
import { ListGrantsInput } from "./schemas";

/** Grants, newest first, one keyset page at a time. "all" needs `grants.read.all`; "live" = may hold access. */
export async function listGrants({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ListGrantsInput;
}): Promise<{ items: GrantDto[]; nextCursor: string | null }> {
  const { scope, status, limit, cursor } = parseInput(ListGrantsInput, input);
  const filters: SQL[] = [eq(grants.orgId, ctx.orgId)];
  if (scope === "all") {
    assertPermission(ctx, "grants.read.all");
  } else {
    assertPermission(ctx, "grants.read.own");
    filters.push(eq(grants.userId, requirePerson(ctx).userId));
  }
  if (status === "live") filters.push(inArray(grants.status, [...LIVE_GRANT_STATUSES]));
  else if (status) filters.push(eq(grants.status, status));
  if (cursor) filters.push(afterCursor(grants.createdAt, grants.id, decodeCursor(cursor)));

  const rows = await ctx.db
    .select({ id: grants.id, keyset: keysetText(grants.createdAt) })
    .from(grants)
    .where(and(...filters))
    .orderBy(desc(grants.createdAt), desc(grants.id))
    .limit(limit + 1);
  const { items, nextCursor } = page(rows, limit);
  return {
    items: await loadGrantDtos(
      ctx.db,
      ctx.orgId,
      items.map((r) => r.id),
    ),
    nextCursor,
  };
}
