import { and, count, eq, lt } from "drizzle-orm";
import { grants, jobRuns } from "@/db/schema";
import { assertPermission, type Ctx } from "@/lib/ctx";
import { env } from "@/lib/env";
import { pingDatabase } from "@/lib/system/health";

export type StuckGrants = {
  revokeStuck: number;
  /** Provisioning for longer than PROVISIONING_STALE_MS. */
  provisioningStale: number;
  /** Still active more than EXPIRY_GRACE_MS after expiry: the workflow and the reconciler both missed it. */
  activePastExpiry: number;
};

export type SystemHealth = {
  database: { kind: "pglite" | "postgres"; ok: boolean; latencyMs: number | null; error?: string };
  workflows: { kind: string };
  reconciler: { lastRunAt: string | null; details: Record<string, unknown> | null; stale: boolean };
  grantsStuck: StuckGrants & { total: number };
  checkedAt: string;
};

export const PROVISIONING_STALE_MS = 5 * 60_000;
// The reconciler runs every ELEVATE_RECONCILE_INTERVAL_MS; a grant a few seconds past expiry is normal.
export const EXPIRY_GRACE_MS = 60_000;

/** What an operator checks first (system.health): is the database up, is the reconciler running, is anything stuck. */
export async function getSystemHealth({ ctx }: { ctx: Ctx }): Promise<SystemHealth> {
  assertPermission(ctx, "system.health");
  const e = env();
  const now = Date.now();
  let database: SystemHealth["database"];
  try {
    database = { kind: e.dbKind, ok: true, latencyMs: await pingDatabase(ctx.db) };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    return {
      database: { kind: e.dbKind, ok: false, latencyMs: null, error },
      workflows: { kind: ctx.workflows.kind },
      reconciler: { lastRunAt: null, details: null, stale: true },
      grantsStuck: { revokeStuck: 0, provisioningStale: 0, activePastExpiry: 0, total: 0 },
      checkedAt: new Date(now).toISOString(),
    };
  }
  const [[run], stuck] = await Promise.all([
    ctx.db.select().from(jobRuns).where(eq(jobRuns.name, "reconciler")),
    countStuck(ctx, now),
  ]);
  const lastRunAt = run?.lastRunAt ?? null;
  // Three missed intervals (and at least a minute) means the reconciler is not running.
  const staleAfter = Math.max(3 * e.ELEVATE_RECONCILE_INTERVAL_MS, 60_000);
  return {
    database,
    workflows: { kind: ctx.workflows.kind },
    reconciler: {
      lastRunAt: lastRunAt?.toISOString() ?? null,
      details: run?.details ?? null,
      stale: !lastRunAt || now - lastRunAt.getTime() > staleAfter,
    },
    grantsStuck: { ...stuck, total: stuck.revokeStuck + stuck.provisioningStale + stuck.activePastExpiry },
    checkedAt: new Date(now).toISOString(),
  };
}

async function countStuck(ctx: Ctx, now: number): Promise<StuckGrants> {
  const inOrg = eq(grants.orgId, ctx.orgId);
  const n = async (where: ReturnType<typeof and>) =>
    (await ctx.db.select({ n: count() }).from(grants).where(where))[0]?.n ?? 0;
  const [revokeStuck, provisioningStale, activePastExpiry] = await Promise.all([
    n(and(inOrg, eq(grants.status, "revoke_stuck"))),
    n(
      and(
        inOrg,
        eq(grants.status, "provisioning"),
        lt(grants.updatedAt, new Date(now - PROVISIONING_STALE_MS)),
      ),
    ),
    n(and(inOrg, eq(grants.status, "active"), lt(grants.expiresAt, new Date(now - EXPIRY_GRACE_MS)))),
  ]);
  return { revokeStuck, provisioningStale, activePastExpiry };
}
