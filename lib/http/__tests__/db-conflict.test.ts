import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { organizations } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { expectedError, isConcurrentConflict } from "@/lib/http/unavailable";
import { createTestOrg, openTestDb } from "@/lib/testing/db";

/**
 * The one error mapper answers a lost race with 409 `conflict`, never a 500: the errors here are the real
 * ones the database raises (a duplicate key here on both databases; a deadlock, which only Postgres's many
 * connections can produce, in db-deadlock.postgres.test.ts).
 */
let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

async function caught(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => null,
    (e: unknown) => e,
  );
}

describe("expectedError on a concurrent-change conflict", () => {
  it("maps a real unique violation (as drizzle wraps it) to 409 conflict", async () => {
    const org = await createTestOrg(h.db);
    const err = await caught(h.db.insert(organizations).values({ slug: org.org.slug, name: "twin" }));
    expect(isConcurrentConflict(err)).toBe(true);
    const mapped = expectedError(err);
    expect(mapped).toBeInstanceOf(AppError);
    expect(mapped).toMatchObject({ code: "conflict", status: 409 });
    expect(mapped?.message).not.toContain("duplicate key"); // the database's detail is never shown
  });

  it("leaves other query errors to the 500 path", async () => {
    const err = await caught(h.db.execute(sql`select * from no_such_table`));
    expect(err).toBeInstanceOf(Error);
    expect(isConcurrentConflict(err)).toBe(false);
    expect(expectedError(err)).toBeNull();
  });
});
