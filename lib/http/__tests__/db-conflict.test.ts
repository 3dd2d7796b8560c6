import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { organizations, targets } from "@/db/schema";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { expectedError, isConcurrentConflict } from "@/lib/http/unavailable";
import { createTestOrg, openTestDb } from "@/lib/testing/db";

/**
 * The one error mapper answers a lost race with 409 `conflict`, never a 500: the errors here are the real
 * ones the database raises (a duplicate key on both databases, a deadlock on Postgres, whose many
 * connections can deadlock; PGlite has one connection, so two transactions never hold locks at once).
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

  it.skipIf(!env().DATABASE_URL)("maps a real deadlock (Postgres) to 409 conflict", async () => {
    const org = await createTestOrg(h.db);
    const [a, b] = [org.targets.aws.id, org.targets.gcp.id];
    const lock = (tx: typeof h.db, id: string) =>
      tx.select().from(targets).where(eq(targets.id, id)).for("update");
    let release!: () => void;
    const bothHoldOne = new Promise<void>((r) => {
      let n = 0;
      release = () => {
        n += 1;
        if (n === 2) r();
      };
    });
    // Each takes one row, waits until the other has its own, then asks for the other's: one is chosen to fail.
    const cross = (first: string, second: string) =>
      caught(
        h.db.transaction(async (tx) => {
          await lock(tx, first);
          release();
          await bothHoldOne;
          await lock(tx, second);
        }),
      );
    const results = await Promise.all([cross(a, b), cross(b, a)]);
    const failed = results.filter((e) => e !== null);
    expect(failed).toHaveLength(1);
    expect(expectedError(failed[0])).toMatchObject({ code: "conflict", status: 409 });
  });

  it("leaves other query errors to the 500 path", async () => {
    const err = await caught(h.db.execute(sql`select * from no_such_table`));
    expect(err).toBeInstanceOf(Error);
    expect(isConcurrentConflict(err)).toBe(false);
    expect(expectedError(err)).toBeNull();
  });
});
