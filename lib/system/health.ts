import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { getDbHandle } from "@/db/client";
import { env, VERSION } from "@/lib/env";
import { logger } from "@/lib/log";

/** One round trip to the database; resolves with its latency in milliseconds (one decimal). */
export async function pingDatabase(db: Db): Promise<number> {
  const started = performance.now();
  await db.execute(sql`select 1`);
  return Math.round((performance.now() - started) * 10) / 10;
}

export type Liveness = {
  status: "ok" | "degraded";
  db: "pglite" | "postgres";
  workflows: "inline" | "inngest";
  version: string;
  error?: string;
};

/** Liveness for load balancers: which database and workflow engine run, after a database round trip. */
export async function readLiveness(): Promise<Liveness> {
  const e = env();
  const body = { db: e.dbKind, workflows: e.workflowsKind, version: VERSION };
  try {
    await pingDatabase((await getDbHandle()).db);
    return { status: "ok", ...body };
  } catch (err) {
    logger.error({ err }, "health check: database unavailable");
    return { status: "degraded", ...body, error: "database unavailable" };
  }
}
