import { type AnyColumn, type Placeholder, type SQL, sql } from "drizzle-orm";
import { Validation } from "@/lib/errors";

/**
 * Opaque keyset cursor over (created_at, id) descending. The timestamp travels as Postgres text, not a
 * JS Date: Dates keep milliseconds, Postgres keeps microseconds, and rounding would skip rows.
 */
type Keyset = { createdAt: string; id: string };

const TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeCursor(k: Keyset): string {
  return Buffer.from(`${k.createdAt}|${k.id}`, "utf8").toString("base64url");
}

export function decodeCursor(cursor: string): Keyset {
  const [createdAt, id, ...rest] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  if (
    rest.length > 0 ||
    !createdAt ||
    !id ||
    !TS.test(createdAt) ||
    !validDate(createdAt) ||
    !UUID.test(id)
  ) {
    throw Validation("cursor", "is not a cursor this list returned");
  }
  return { createdAt, id };
}

// The pattern lets through "2025-02-30", which Postgres would reject with an error (a 500): round-trip it.
function validDate(ts: string): boolean {
  const ms = Date.parse(ts);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 19) === ts.slice(0, 19);
}

/** `created_at` as exact UTC text with microseconds, whatever the session's TimeZone or DateStyle. */
export function keysetText(createdAt: AnyColumn): SQL<string> {
  return sql<string>`to_char(${createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/** Rows strictly after the cursor in (created_at desc, id desc) order. */
export function afterCursor(
  createdAt: AnyColumn,
  id: AnyColumn,
  k: { [F in keyof Keyset]: Keyset[F] | Placeholder },
): SQL {
  return sql`(${createdAt}, ${id}) < (${k.createdAt}::timestamptz, ${k.id}::uuid)`;
}

/** afterCursor with the cursor as the placeholders `afterAt` and `afterId`, for prepared queries. */
export function afterCursorPlaceholders(createdAt: AnyColumn, id: AnyColumn): SQL {
  return afterCursor(createdAt, id, {
    createdAt: sql.placeholder("afterAt"),
    id: sql.placeholder("afterId"),
  });
}

/** The values of afterCursorPlaceholders for an opaque cursor (both null without one; a bad one throws). */
export function cursorParams(cursor: string | undefined): { afterAt: string | null; afterId: string | null } {
  const k = cursor ? decodeCursor(cursor) : null;
  return { afterAt: k?.createdAt ?? null, afterId: k?.id ?? null };
}

/** Cuts a page fetched with limit + 1 rows and builds the next cursor from its last row. */
export function page<T extends { keyset: string; id: string }>(rows: T[], limit: number) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const nextCursor =
    rows.length > limit && last ? encodeCursor({ createdAt: last.keyset, id: last.id }) : null;
  return { items, nextCursor };
}
