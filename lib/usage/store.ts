import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import type { UsageAttribution, UsageCloud } from "@/db/schema";

export type EventRow = {
  cloud: UsageCloud;
  event_id: string;
  occurred_at: string;
  target_id: string | null;
  scope: string | null;
  principal: string;
  session_name: string | null;
  permission: string;
  allowed: boolean;
  resource: string | null;
  operation: string;
  attribution: UsageAttribution;
  grant_id: string | null;
};

/**
 * One element of a Postgres array literal: NULL, or double-quoted with `\\` and `"` escaped. Postgres text
 * cannot hold U+0000: a NUL inside a logged value becomes U+FFFD rather than failing the whole batch.
 */
function element(v: string | null): string {
  if (v === null) return "NULL";
  const clean = v.includes("\u0000") ? v.replaceAll("\u0000", "\uFFFD") : v;
  return NEEDS_ESCAPE.test(clean) ? `"${clean.replace(ESCAPED, "\\$&")}"` : `"${clean}"`;
}
const NEEDS_ESCAPE = /[\\"]/;
const ESCAPED = /[\\"]/g;

/** A column of the batch as one array literal (`{"a","b",NULL}`), read by Postgres as `text[]` and cast. */
function column(rows: EventRow[], pick: (r: EventRow) => string | null): string {
  const parts = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i++) parts[i] = element(pick(rows[i]));
  return `{${parts.join(",")}}`;
}

/**
 * Stores a batch in one statement: each column travels as one array literal, expanded by `unnest` (one
 * round trip, no parameter limit, the same text on PGlite and postgres.js; Postgres reads arrays at a
 * third of the cost of `json_to_recordset`, docs/decisions.md "Usage ingest"). Events already stored (same
 * org, cloud and event id) are skipped by the primary key. Returns the event ids actually inserted.
 */
export async function insertEvents(
  db: Db,
  orgId: string,
  importId: string,
  rows: EventRow[],
): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const res = await db.execute<{ event_id: string }>(sql`
    insert into usage_events (org_id, import_id, cloud, event_id, occurred_at, target_id, scope, principal,
      session_name, permission, allowed, resource, operation, attribution, grant_id)
    select ${orgId}::uuid, ${importId}::uuid, x.*
    from unnest(${column(rows, (r) => r.cloud)}::text[], ${column(rows, (r) => r.event_id)}::text[],
      ${column(rows, (r) => r.occurred_at)}::timestamptz[], ${column(rows, (r) => r.target_id)}::uuid[],
      ${column(rows, (r) => r.scope)}::text[], ${column(rows, (r) => r.principal)}::text[],
      ${column(rows, (r) => r.session_name)}::text[], ${column(rows, (r) => r.permission)}::text[],
      ${column(rows, (r) => (r.allowed ? "t" : "f"))}::boolean[], ${column(rows, (r) => r.resource)}::text[],
      ${column(rows, (r) => r.operation)}::text[], ${column(rows, (r) => r.attribution)}::text[],
      ${column(rows, (r) => r.grant_id)}::uuid[])
      as x(cloud, event_id, occurred_at, target_id, scope, principal, session_name, permission, allowed,
        resource, operation, attribution, grant_id)
    on conflict (org_id, cloud, event_id) do nothing
    returning event_id`);
  const list = Array.isArray(res) ? res : (res as unknown as { rows: { event_id: string }[] }).rows;
  return new Set(list.map((r) => r.event_id));
}
