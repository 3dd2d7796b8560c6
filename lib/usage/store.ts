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
 * Stores a batch in one statement: the rows travel as one JSON parameter expanded by json_to_recordset
 * (one round trip, no parameter limit, same on PGlite and postgres.js). Events already stored (same org,
 * cloud and event id) are skipped by the unique index. Returns the event ids actually inserted.
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
    select ${orgId}::uuid, ${importId}::uuid, x.cloud, x.event_id, x.occurred_at, x.target_id, x.scope,
      x.principal, x.session_name, x.permission, x.allowed, x.resource, x.operation, x.attribution, x.grant_id
    from json_to_recordset(${JSON.stringify(rows)}::json) as x(cloud text, event_id text,
      occurred_at timestamptz, target_id uuid, scope text, principal text, session_name text, permission text,
      allowed boolean, resource text, operation text, attribution text, grant_id uuid)
    on conflict (org_id, cloud, event_id) do nothing
    returning event_id`);
  const list = Array.isArray(res) ? res : (res as unknown as { rows: { event_id: string }[] }).rows;
  return new Set(list.map((r) => r.event_id));
}
