import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db, DbHandle } from "@/db/client";
import { rateLimits } from "@/db/schema";
import { env } from "@/lib/env";
import { openTestDb } from "@/lib/testing/db";
import { consumeRateLimit } from "../consume";

let handle: DbHandle;
/** A second handle on the same database: a second connection pool with Postgres; PGlite has one handle. */
let other: DbHandle | undefined;
let db: Db;
let db2: Db;

beforeAll(async () => {
  handle = await openTestDb();
  db = handle.db;
  if (env().DATABASE_URL) {
    other = await openTestDb();
    db2 = other.db;
  } else {
    db2 = db;
  }
});
afterAll(async () => {
  await other?.close();
  await handle.close();
});

const key = () => `test:${randomUUID()}`;
/** A fixed instant 10 s into a minute window, so the test never straddles a boundary. */
const at = (iso: string) => new Date(iso);

describe("consumeRateLimit", () => {
  it("allows `limit` hits in a window, then refuses with the seconds left in it", async () => {
    const rule = { key: key(), limit: 3, windowSeconds: 60 };
    const now = at("2030-01-01T00:00:10Z");
    for (let i = 0; i < 3; i++) {
      expect(await consumeRateLimit(db, rule, { now })).toEqual({ ok: true, remaining: 2 - i });
    }
    expect(await consumeRateLimit(db, rule, { now })).toEqual({ ok: false, retryAfterSeconds: 50 });
    const later = at("2030-01-01T00:00:59.500Z");
    expect(await consumeRateLimit(db, rule, { now: later })).toEqual({ ok: false, retryAfterSeconds: 1 });
  });

  it("allows again in the next window, and drops the key's old windows", async () => {
    const rule = { key: key(), limit: 1, windowSeconds: 60 };
    expect((await consumeRateLimit(db, rule, { now: at("2030-01-01T00:01:05Z") })).ok).toBe(true);
    expect((await consumeRateLimit(db, rule, { now: at("2030-01-01T00:01:30Z") })).ok).toBe(false);
    expect((await consumeRateLimit(db, rule, { now: at("2030-01-01T00:02:00Z") })).ok).toBe(true);
    const rows = await db.select().from(rateLimits).where(eq(rateLimits.key, rule.key));
    expect(rows.map((r) => r.windowStart.toISOString())).toEqual(["2030-01-01T00:02:00.000Z"]);
  });

  it("keeps keys apart", async () => {
    const a = { key: key(), limit: 1, windowSeconds: 60 };
    const b = { key: key(), limit: 1, windowSeconds: 60 };
    expect((await consumeRateLimit(db, a)).ok).toBe(true);
    expect((await consumeRateLimit(db, b)).ok).toBe(true);
    expect((await consumeRateLimit(db, a)).ok).toBe(false);
  });

  it("uses the database clock by default: a refusal waits at most one window", async () => {
    const rule = { key: key(), limit: 1, windowSeconds: 3600 };
    await consumeRateLimit(db, rule);
    const r = await consumeRateLimit(db, rule);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(r.retryAfterSeconds).toBeLessThanOrEqual(3600);
    }
  });

  it("allows exactly `limit` of many concurrent hits (one atomic upsert, no read-then-write race)", async () => {
    const rule = { key: key(), limit: 10, windowSeconds: 60 };
    const now = at("2030-01-01T00:03:10Z");
    const results = await Promise.all(
      Array.from({ length: rule.limit + 5 }, (_, i) => consumeRateLimit(i % 2 ? db2 : db, rule, { now })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(rule.limit);
    expect(results.filter((r) => !r.ok)).toHaveLength(5);
  });

  it("is shared by every handle on the database (every instance)", async () => {
    const rule = { key: key(), limit: 2, windowSeconds: 60 };
    const now = at("2030-01-01T00:04:10Z");
    expect((await consumeRateLimit(db, rule, { now })).ok).toBe(true);
    expect((await consumeRateLimit(db2, rule, { now })).ok).toBe(true);
    expect((await consumeRateLimit(db, rule, { now })).ok).toBe(false);
    expect((await consumeRateLimit(db2, rule, { now })).ok).toBe(false);
  });

  it("refuses a window that is not a positive whole number of seconds", async () => {
    await expect(consumeRateLimit(db, { key: key(), limit: 1, windowSeconds: 0 })).rejects.toThrow(
      /windowSeconds/,
    );
  });
});
