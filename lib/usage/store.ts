import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import type { UsageAttribution, UsageCloud } from "@/db/schema";
import { hasSqlState } from "@/lib/http/unavailable";

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

/** Which of a batch's events the database stored (the others were stored before, by this import or another). */
export type Stored = (eventId: string) => boolean;

const UNIQUE_VIOLATION = new Set(["23505"]);

/**
 * Stores a batch (rows with distinct keys) in one statement: each column travels as one array literal,
 * expanded by `unnest` (one round trip, no parameter limit, the same text on PGlite and postgres.js;
 * Postgres reads arrays at a third of the cost of `json_to_recordset`, docs/decisions.md "Usage ingest").
 *
 * The batch goes in first as plain rows: nothing of it stored yet is the common case, and a plain INSERT
 * costs less than `ON CONFLICT DO NOTHING … RETURNING` (no speculative insertion, no ids sent back; 16 %
 * more events/s on Postgres in the ingest bench). If an event of the batch is already stored (a re-import,
 * an overlapping pull, another import racing for the same events) the primary key refuses the whole
 * statement, which then runs again with `ON CONFLICT DO NOTHING` and returns the ids it inserted.
 */
export async function insertEvents(
  db: Db,
  orgId: string,
  importId: string,
  rows: EventRow[],
): Promise<Stored> {
  if (rows.length === 0) return () => false;
  const columns = sql`${ORG_COLUMNS} select ${orgId}::uuid, ${importId}::uuid, x.* from ${unnested(rows)}`;
  try {
    await db.execute(sql`insert into usage_events ${columns}`);
    return () => true;
  } catch (err) {
    if (!hasSqlState(err, UNIQUE_VIOLATION)) throw err;
  }
  const res = await db.execute<{ event_id: string }>(
    sql`insert into usage_events ${columns} on conflict (org_id, cloud, event_id) do nothing returning event_id`,
  );
  const list = Array.isArray(res) ? res : (res as unknown as { rows: { event_id: string }[] }).rows;
  const inserted = new Set(list.map((r) => r.event_id));
  return (id) => inserted.has(id);
}

const ORG_COLUMNS = sql`(org_id, import_id, cloud, event_id, occurred_at, target_id, scope, principal,
  session_name, permission, allowed, resource, operation, attribution, grant_id)`;

/** The rows as a table `x` of the event columns, one array literal per column. */
function unnested(rows: EventRow[]) {
  return sql`unnest(${column(rows, (r) => r.cloud)}::text[], ${column(rows, (r) => r.event_id)}::text[],
      ${column(rows, (r) => r.occurred_at)}::timestamptz[], ${column(rows, (r) => r.target_id)}::uuid[],
      ${column(rows, (r) => r.scope)}::text[], ${column(rows, (r) => r.principal)}::text[],
      ${column(rows, (r) => r.session_name)}::text[], ${column(rows, (r) => r.permission)}::text[],
      ${column(rows, (r) => (r.allowed ? "t" : "f"))}::boolean[], ${column(rows, (r) => r.resource)}::text[],
      ${column(rows, (r) => r.operation)}::text[], ${column(rows, (r) => r.attribution)}::text[],
      ${column(rows, (r) => r.grant_id)}::uuid[])
    as x(cloud, event_id, occurred_at, target_id, scope, principal, session_name, permission, allowed,
      resource, operation, attribution, grant_id)`;
}
