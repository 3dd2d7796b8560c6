import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbHandle, openDb } from "@/db/client";
import { createTestOrg } from "@/lib/testing/db";
import { startRevocationThread } from "../revocation-thread";
import { expiredGrants, revokedCounts, settled } from "./lane-helpers";

/**
 * The revocation lane on its own worker thread, with its own connection pool: Postgres only (PGlite admits
 * one connection, so there the lane stays on the main thread — lane.test.ts). vitest.config.ts leaves
 * `*.postgres.test.ts` out of runs without DATABASE_URL.
 */
const url = process.env.DATABASE_URL ?? "";
let h: DbHandle;
beforeAll(async () => {
  if (!url) throw new Error("*.postgres.test.ts needs DATABASE_URL (a Postgres server)");
  h = await openDb({ url });
});
afterAll(async () => h?.close());

describe("revocation lane on its own thread (Postgres)", () => {
  it("the lane on its own thread (own pool) finds expired grants by its scan and revokes them", async () => {
    const org = await createTestOrg(h.db);
    const ids = await expiredGrants(h.db, org, 6);
    const lane = startRevocationThread({
      url,
      scanIntervalMs: 60_000,
      orgId: org.org.id,
      fallback: () => {
        throw new Error("the thread should not fail");
      },
    });
    try {
      lane.start();
      await settled(h.db, ids);
      await lane.idle();
    } finally {
      await lane.stop();
    }
    const per = await revokedCounts(h.db, org.org.id);
    expect(per.size).toBe(6);
    expect([...per.values()].every((n) => n === 1)).toBe(true);
  });

  it("a stopped thread answers idle at once (the driver's stop asks for idle after stopping the lane)", async () => {
    const lane = startRevocationThread({
      url,
      scanIntervalMs: 60_000,
      orgId: randomUUID(),
      fallback: () => {
        throw new Error("the thread should not fail");
      },
    });
    await lane.stop();
    // Hung for ever before: the terminated thread could not answer, and its exit was ignored while stopping.
    await expect(lane.idle()).resolves.toBeUndefined();
    await expect(lane.stop()).resolves.toBeUndefined();
  });
});
