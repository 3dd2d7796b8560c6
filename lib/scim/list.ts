import { eq, type SQL, sql } from "drizzle-orm";
import { groups, scimGroups, scimUsers } from "@/db/schema";
import { invalidValue, ScimError } from "./errors";
import { type Filter, matches, parseFilter } from "./filter";
import { groupResource, loadGroups } from "./groups";
import { LIST_SCHEMA } from "./schemas";
import { loadUsers, type ScimCall, type ScimResource, userResource } from "./users";

export const DEFAULT_COUNT = 100;
export const MAX_COUNT = 200;
/** Filters are evaluated in memory over at most this many resources of the org (docs/scim.md, limits). */
export const MAX_SCAN = 50_000;

export type ListQuery = { filter: Filter | null; startIndex: number; count: number; excludeMembers: boolean };

/** startIndex (1-based, below 1 means 1) and count (negative means 0, capped) per RFC 7644 §3.4.2.4. */
export function parseListQuery(params: URLSearchParams): ListQuery {
  const int = (name: string, fallback: number) => {
    const raw = params.get(name);
    if (raw === null || raw === "") return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n)) throw invalidValue(`${name}: must be an integer`);
    return n;
  };
  const filterText = params.get("filter");
  const excluded = (params.get("excludedAttributes") ?? "").split(",").map((s) => s.trim().toLowerCase());
  return {
    filter: filterText ? parseFilter(filterText) : null,
    startIndex: Math.max(1, int("startIndex", 1)),
    count: Math.min(MAX_COUNT, Math.max(0, int("count", DEFAULT_COUNT))),
    excludeMembers: excluded.includes("members"),
  };
}

/**
 * The lookups directories make before every create (`userName eq`, `externalId eq`, `displayName eq`)
 * narrowed in SQL with a bound parameter; the in-memory filter still decides, so both must agree.
 */
function narrowing(kind: "Users" | "Groups", f: Filter | null): SQL | undefined {
  if (f?.op !== "eq" || typeof f.value !== "string" || f.path.sub !== null) return undefined;
  if (f.path.schema !== null && !f.path.schema.startsWith("urn:ietf:params:scim:schemas:core:2.0:"))
    return undefined;
  const v = f.value;
  if (kind === "Users" && f.path.attr === "username")
    return sql`lower(${scimUsers.userName}) = ${v.toLowerCase()}`;
  if (kind === "Users" && f.path.attr === "externalid") return eq(scimUsers.externalId, v);
  if (kind === "Groups" && f.path.attr === "displayname")
    return sql`lower(${groups.name}) = ${v.toLowerCase()}`;
  if (kind === "Groups" && f.path.attr === "externalid") return eq(scimGroups.externalId, v);
  return undefined;
}

export async function listScim(call: ScimCall, kind: "Users" | "Groups", q: ListQuery) {
  const { ctx, base } = call;
  const narrow = narrowing(kind, q.filter);
  const all: ScimResource[] =
    kind === "Users"
      ? (await loadUsers(ctx.db, ctx.orgId, undefined, MAX_SCAN + 1, narrow)).map((r) =>
          userResource(r, base),
        )
      : (await loadGroups(ctx.db, ctx.orgId, undefined, MAX_SCAN + 1, narrow)).map((r) =>
          groupResource(r, base),
        );
  if (q.filter && all.length > MAX_SCAN)
    throw new ScimError(400, `filtering is limited to ${MAX_SCAN} resources`, "tooMany");
  const hits = q.filter ? all.filter((r) => matches(q.filter as Filter, r)) : all;
  const page = hits.slice(q.startIndex - 1, q.startIndex - 1 + q.count);
  return {
    schemas: [LIST_SCHEMA],
    totalResults: hits.length,
    startIndex: q.startIndex,
    itemsPerPage: page.length,
    Resources: q.excludeMembers ? page.map(({ members: _m, ...rest }) => rest) : page,
  };
}
