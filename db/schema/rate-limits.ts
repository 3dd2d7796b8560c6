import { integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { ts } from "./_columns";

/**
 * Fixed-window counters for rate limits (lib/ratelimit/consume.ts), shared by every instance: one row per
 * key and window, bumped by a single upsert. Old windows are pruned by the limiter itself, now and then.
 */
export const rateLimits = pgTable(
  "rate_limits",
  {
    key: text("key").notNull(),
    windowStart: ts("window_start").notNull(),
    count: integer("count").notNull(),
  },
  (t) => [primaryKey({ columns: [t.key, t.windowStart] })],
);
