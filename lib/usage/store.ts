import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { hasSqlState } from "@/lib/http/unavailable";
import { type EventRow, type PreparedBatch, prepareBatch } from "./batch";

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
export async function insertPrepared(
  db: Db,
  orgId: string,
  importId: string,
  batch: PreparedBatch,
): Promise<Stored> {
  if (batch.rows === 0) return () => false;
  const columns = sql`${ORG_COLUMNS} select ${orgId}::uuid, ${importId}::uuid, x.* from ${unnested(batch)}`;
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

/** Stores rows with distinct keys (`insertPrepared` of `prepareBatch`). */
export function insertEvents(db: Db, orgId: string, importId: string, rows: EventRow[]): Promise<Stored> {
  return insertPrepared(db, orgId, importId, prepareBatch(rows));
}

/** The batch as a table `x` of the event columns. */
function unnested(batch: PreparedBatch) {
  const c = batch.columns; // in prepareBatch's order
  return sql`unnest(${c[0]}::text[], ${c[1]}::text[], ${c[2]}::timestamptz[], ${c[3]}::uuid[], ${c[4]}::text[],
      ${c[5]}::text[], ${c[6]}::text[], ${c[7]}::text[], ${c[8]}::boolean[], ${c[9]}::text[], ${c[10]}::text[],
      ${c[11]}::text[], ${c[12]}::uuid[])
    as x(cloud, event_id, occurred_at, target_id, scope, principal, session_name, permission, allowed,
      resource, operation, attribution, grant_id)`;
}
