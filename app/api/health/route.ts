import { sql } from "drizzle-orm";
import { getDbHandle } from "@/db/client";
import { env, VERSION } from "@/lib/env";
import { logger } from "@/lib/log";

// Health must be measured on every call, never prerendered or cached.
export const dynamic = "force-dynamic";

/** Liveness for load balancers: says which database and workflow engine run, after a `select 1`. */
export async function GET(): Promise<Response> {
  const e = env();
  const body = { db: e.dbKind, workflows: e.workflowsKind, version: VERSION };
  const headers = { "cache-control": "no-store" };
  try {
    const { db } = await getDbHandle();
    await db.execute(sql`select 1`);
    return Response.json({ status: "ok", ...body }, { headers });
  } catch (err) {
    logger.error({ err }, "health check: database unavailable");
    return Response.json(
      { status: "degraded", ...body, error: "database unavailable" },
      { status: 503, headers },
    );
  }
}
