import { eq, getTableName, is, sql } from "drizzle-orm";
import { getTableConfig, PgTable } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import * as schema from "@/db/schema";
import { approvedRequest } from "@/lib/requests/__tests__/helpers";
import { createTestOrg, openTestDb } from "@/lib/testing/db";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

/** Every enum-like text column the schema declares (`text(name, { enum })`), plus the one text[] of roles. */
function enumColumns(): { table: string; column: string; values: readonly string[] }[] {
  const out = [{ table: "users", column: "local_roles", values: schema.APP_ROLES as readonly string[] }];
  for (const t of Object.values(schema)) {
    if (!is(t, PgTable)) continue;
    for (const c of getTableConfig(t).columns) {
      if (c.enumValues?.length) out.push({ table: getTableName(t), column: c.name, values: c.enumValues });
    }
  }
  return out;
}

/** The quoted literals of a CHECK constraint as the database itself prints it. */
async function checkedValues(table: string, constraint: string): Promise<string[] | null> {
  const res: unknown = await h.db.execute(sql`
    select pg_get_constraintdef(c.oid) as def from pg_constraint c
    where c.conrelid = ${table}::regclass and c.contype = 'c' and c.conname = ${constraint}`);
  // postgres-js answers the rows as an array, PGlite as `{ rows }`.
  const rows = (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as { def: string }[];
  const def = rows[0]?.def;
  return def ? [...def.matchAll(/'([^']*)'/g)].map((m) => m[1] as string) : null;
}

/** The Postgres error code of a failed statement, wherever the driver wrapped it. */
async function pgErrorCode(p: Promise<unknown>): Promise<string | null> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  for (let e = err as { code?: unknown; cause?: unknown } | null; e; e = e.cause as typeof e) {
    if (typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  }
  return err === null ? null : "no code";
}

describe("status and enum columns", () => {
  it("has a CHECK constraint listing exactly the TypeScript values, for every enum column", async () => {
    const columns = enumColumns();
    for (const t of ["access_requests.status", "grants.status", "cloud_roles.status", "targets.cloud"]) {
      expect(columns.map((c) => `${c.table}.${c.column}`)).toContain(t);
    }
    for (const { table, column, values } of columns) {
      const checked = await checkedValues(table, `${table}_${column}_check`);
      expect({ column: `${table}.${column}`, checked }).toEqual({
        column: `${table}.${column}`,
        checked: [...values],
      });
    }
  });

  it("refuses an unknown request or grant status, and accepts the known ones", async () => {
    const org = await createTestOrg(h.db);
    const { request, grant } = await approvedRequest(h.db, org);
    const CHECK_VIOLATION = "23514";
    const setRequest = (status: string) =>
      h.db.execute(sql`update access_requests set status = ${status} where id = ${request.id}`);
    const setGrant = (status: string) =>
      h.db.execute(sql`update grants set status = ${status} where id = ${grant?.id}`);

    expect(await pgErrorCode(setRequest("archived"))).toBe(CHECK_VIOLATION);
    expect(await pgErrorCode(setGrant("expired"))).toBe(CHECK_VIOLATION);
    expect(await pgErrorCode(setRequest("completed"))).toBeNull();
    expect(await pgErrorCode(setGrant("revoke_stuck"))).toBeNull();

    const [row] = await h.db
      .select({ status: schema.grants.status })
      .from(schema.grants)
      .where(eq(schema.grants.requestId, request.id));
    expect(row?.status).toBe("revoke_stuck");
  });
});
