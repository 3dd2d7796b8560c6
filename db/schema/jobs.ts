import { jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { ts } from "./_columns";

/** Last run of each background job (reconciler, role GC), shown on health panels. */
export const jobRuns = pgTable("job_runs", {
  name: text("name").primaryKey(),
  lastRunAt: ts("last_run_at").notNull(),
  details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
});
