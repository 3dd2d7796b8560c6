import { and, eq, lte } from "drizzle-orm";
import type { Db } from "@/db/client";
import { grants } from "@/db/schema";
import { applyExtension } from "@/lib/grants/apply-extension";
import { executeRevocation } from "@/lib/grants/execute-revocation";
import { provisionGrant } from "@/lib/grants/provision";
import { type ReconcileOptions, reconcileOnce } from "@/lib/grants/reconcile";
import { logger } from "@/lib/log";
import type { WorkflowDriver, WorkflowEvent } from "./port";
import { systemCtx } from "./system-ctx";
import { createTimerQueue } from "./timer-queue";

export type InlineDriver = WorkflowDriver & { start(): void; stop(): Promise<void>; idle(): Promise<void> };

export type InlineDriverOptions = {
  db: Db;
  reconcileIntervalMs: number;
  /** Expiries closer than this get an in-process timer; later ones are armed by a later scan. */
  timerHorizonMs?: number;
  /** Revocations run at once when many grants expire together. */
  concurrency?: number;
  /** Passed to every reconcile pass (e.g. roleGraceMs). */
  reconcile?: Omit<ReconcileOptions, "db" | "now" | "workflows">;
};

/**
 * The embedded workflow engine: work runs in this process right after the verb commits. Expiries sit in one
 * timer queue (a heap and a single setTimeout, however many grants); the reconciler loop, never overlapping
 * itself, catches whatever a crash or a full queue missed, so lateness is bounded by its interval.
 */
export function createInlineDriver(opts: InlineDriverOptions): InlineDriver {
  const { db, reconcileIntervalMs } = opts;
  const horizonMs = opts.timerHorizonMs ?? Math.max(6 * 3600_000, reconcileIntervalMs * 2);
  const concurrency = opts.concurrency ?? 8;
  const inflight = new Set<Promise<unknown>>();
  const orgOf = new Map<string, string>();
  const waiting: string[] = [];
  let running = 0;
  let started = false;
  let loopTimer: ReturnType<typeof setTimeout> | null = null;
  let reconciling: Promise<void> | null = null;

  const track = <T>(p: Promise<T>): Promise<T> => {
    inflight.add(p);
    void p.finally(() => inflight.delete(p)).catch(() => {});
    return p;
  };
  const queue = createTimerQueue((keys) => {
    waiting.push(...keys);
    pump();
  });

  function pump() {
    while (running < concurrency && waiting.length > 0) {
      const grantId = waiting.shift()!;
      const orgId = orgOf.get(grantId);
      if (!orgId) continue;
      running += 1;
      track(
        revoke(orgId, grantId).finally(() => {
          running -= 1;
          pump();
        }),
      );
    }
  }

  function arm(orgId: string, grantId: string, expiresAt: string | Date | null) {
    if (!expiresAt) return;
    const at = new Date(expiresAt).getTime();
    if (at - Date.now() > horizonMs) return;
    orgOf.set(grantId, orgId);
    queue.arm(grantId, at);
  }

  async function provision(orgId: string, grantId: string) {
    try {
      const out = await provisionGrant({ ctx: systemCtx(db, orgId, "workflow", driver), input: { grantId } });
      if (out.status === "active") arm(orgId, grantId, out.expiresAt);
    } catch (err) {
      logger.error({ orgId, grantId, err }, "provisioning failed; the reconciler will retry");
    }
  }

  async function revoke(orgId: string, grantId: string) {
    try {
      const out = await executeRevocation({
        ctx: systemCtx(db, orgId, "workflow", driver),
        input: { grantId },
      });
      // Fired early, or extended meanwhile: wait for the expiry the database holds now.
      if (out.status === "active") arm(orgId, grantId, out.expiresAt);
      else orgOf.delete(grantId);
    } catch (err) {
      logger.error({ orgId, grantId, err }, "revocation failed; the reconciler will retry");
    }
  }

  // The cloud keeps the old expiry until this works; a failure is marked for the reconciler to retry.
  async function extend(orgId: string, grantId: string) {
    try {
      await applyExtension({ ctx: systemCtx(db, orgId, "workflow", driver), input: { grantId } });
    } catch (err) {
      logger.error({ orgId, grantId, err }, "applying the extension failed; the reconciler will retry");
    }
  }

  async function armFromDb() {
    const horizon = new Date(Date.now() + horizonMs);
    const rows = await db
      .select({ id: grants.id, orgId: grants.orgId, expiresAt: grants.expiresAt })
      .from(grants)
      .where(
        and(
          eq(grants.status, "active"),
          lte(grants.expiresAt, horizon),
          opts.reconcile?.orgId ? eq(grants.orgId, opts.reconcile.orgId) : undefined,
        ),
      );
    for (const r of rows) if (!queue.has(r.id)) arm(r.orgId, r.id, r.expiresAt);
  }

  async function pass() {
    try {
      await reconcileOnce({ db, workflows: driver, ...opts.reconcile });
      await armFromDb();
    } catch (err) {
      logger.error({ job: "reconciler", err }, "reconcile pass failed");
    }
  }

  function loop() {
    if (!started) return;
    loopTimer = setTimeout(async () => {
      reconciling = pass();
      await reconciling;
      reconciling = null;
      loop();
    }, reconcileIntervalMs);
  }

  const driver: InlineDriver = {
    kind: "inline",
    async dispatch(events: WorkflowEvent[]) {
      for (const e of events) {
        if (e.name === "request.approved") {
          await Promise.all(e.grantIds.map((id) => track(provision(e.orgId, id))));
        } else if (e.name === "grant.revoke.requested") {
          queue.disarm(e.grantId);
          await track(revoke(e.orgId, e.grantId));
        } else if (e.name === "grant.extended") {
          await track(extend(e.orgId, e.grantId));
          arm(e.orgId, e.grantId, e.expiresAt);
        }
      }
    },
    start() {
      if (started) return;
      started = true;
      // Catch up at once (timers lost with the last process, expiries missed while down), then every interval.
      reconciling = pass();
      void reconciling.then(() => {
        reconciling = null;
        loop();
      });
    },
    async stop() {
      started = false;
      if (loopTimer) clearTimeout(loopTimer);
      loopTimer = null;
      queue.clear();
      waiting.length = 0;
      await reconciling;
      await driver.idle();
    },
    async idle() {
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
    },
  };
  return driver;
}
