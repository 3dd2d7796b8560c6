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

/** A batch ready to store: its rows as the 13 array literals the INSERT's `unnest` reads, in its order. */
export type PreparedBatch = { rows: number; columns: string[] };

/** The rows as array literals, one per column (built where the rows were mapped: the ingest worker). */
export function prepareBatch(rows: EventRow[]): PreparedBatch {
  return {
    rows: rows.length,
    columns: [
      column(rows, (r) => r.cloud),
      column(rows, (r) => r.event_id),
      column(rows, (r) => r.occurred_at),
      column(rows, (r) => r.target_id),
      column(rows, (r) => r.scope),
      column(rows, (r) => r.principal),
      column(rows, (r) => r.session_name),
      column(rows, (r) => r.permission),
      column(rows, (r) => (r.allowed ? "t" : "f")),
      column(rows, (r) => r.resource),
      column(rows, (r) => r.operation),
      column(rows, (r) => r.attribution),
      column(rows, (r) => r.grant_id),
    ],
  };
}
