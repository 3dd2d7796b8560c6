import { and, eq, lt, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { rateLimits } from "@/db/schema";
import { logger } from "@/lib/log";

export type RateLimitRule = {
  /** The bucket: what is limited and for whom, e.g. `submit:user:<id>`. */
  key: string;
  /** Hits allowed per window. */
  limit: number;
  windowSeconds: number;
};

export type RateLimitResult = { ok: true; remaining: number } | { ok: false; retryAfterSeconds: number };

/** Rows of windows older than this are deleted now and then; longer than any window in use. */
const PRUNE_AFTER_SECONDS = 86_400;
/** The share of hits that also prune every key's old windows (a key's own are pruned when it opens a new one). */
const GLOBAL_PRUNE_RATE = 0.01;

/**
 * Counts one hit against `key` in the current fixed window and says whether it is within `limit`. The
 * count lives in the database (`rate_limits`), so every instance shares it, and one atomic upsert both
 * counts and reads it: concurrent hits can never all see the same count (no read-then-write race). The
 * window is aligned on the database's clock (or `now`, for tests), so instances with skewed clocks agree.
 * A refused hit is counted too, which is harmless: the window's end does not move.
 */
export async function consumeRateLimit(
  db: Db,
  rule: RateLimitRule,
  opts: { now?: Date } = {},
): Promise<RateLimitResult> {
  const { key, limit, windowSeconds } = rule;
  if (!Number.isInteger(windowSeconds) || windowSeconds <= 0) {
    throw new Error(`rate limit ${key}: windowSeconds must be a positive integer`);
  }
  const clock = opts.now ? sql`${opts.now.toISOString()}::timestamptz` : sql`now()`;
  const windowStart = sql`to_timestamp(floor(extract(epoch from ${clock}) / ${windowSeconds}) * ${windowSeconds})`;
  const [row] = await db
    .insert(rateLimits)
    .values({ key, windowStart: windowStart, count: 1 })
    .onConflictDoUpdate({
      target: [rateLimits.key, rateLimits.windowStart],
      set: { count: sql`${rateLimits.count} + 1` },
    })
    .returning({
      count: rateLimits.count,
      windowStart: rateLimits.windowStart,
      retryAfter: sql<string>`extract(epoch from (${rateLimits.windowStart} + make_interval(secs => ${windowSeconds}) - ${clock}))`,
    });
  if (row.count === 1) await prune(db, key, row.windowStart);
  if (row.count <= limit) return { ok: true, remaining: limit - row.count };
  return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(Number(row.retryAfter))) };
}

/** Opening a window drops the key's earlier ones; now and then, every key's long-gone windows too. */
async function prune(db: Db, key: string, windowStart: Date): Promise<void> {
  try {
    await db.delete(rateLimits).where(and(eq(rateLimits.key, key), lt(rateLimits.windowStart, windowStart)));
    if (Math.random() < GLOBAL_PRUNE_RATE) {
      await db
        .delete(rateLimits)
        .where(lt(rateLimits.windowStart, sql`now() - make_interval(secs => ${PRUNE_AFTER_SECONDS})`));
    }
  } catch (err) {
    // Pruning is housekeeping: a failure must not refuse the hit it rode on.
    logger.warn({ err, key }, "rate limit pruning failed");
  }
}
