import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbHandle, openDb } from "@/db/client";
import { targets } from "@/db/schema";
import { expectedError } from "@/lib/http/unavailable";
import { createTestOrg } from "@/lib/testing/db";

/**
 * A real deadlock maps to 409 `conflict`: Postgres only, since PGlite has one connection and two
 * transactions never hold locks at once there. vitest.config.ts leaves `*.postgres.test.ts` out of runs
 * without DATABASE_URL.
 */
const url = process.env.DATABASE_URL ?? "";
let h: DbHandle;
beforeAll(async () => {
  if (!url) throw new Error("*.postgres.test.ts needs DATABASE_URL (a Postgres server)");
  h = await openDb({ url });
});
afterAll(async () => h?.close());

async function caught(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => null,
    (e: unknown) => e,
  );
}

describe("expectedError on a deadlock (Postgres)", () => {
  it("maps a real deadlock to 409 conflict", async () => {
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
});
