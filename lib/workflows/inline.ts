import type { Db } from "@/db/client";
import { applyExtension } from "@/lib/grants/apply-extension";
import { executeRevocation } from "@/lib/grants/execute-revocation";
import { provisionGrant } from "@/lib/grants/provision";
import { type ReconcileOptions, reconcileOnce } from "@/lib/grants/reconcile";
import { logger } from "@/lib/log";
import { deliverNotifications } from "@/lib/notify/deliver";
import type { WorkflowDriver, WorkflowEvent } from "./port";
import { createPriorityPump } from "./priority-pump";
import { createRevocationLane, defaultHorizonMs, type RevocationLane } from "./revocation-lane";
import { startRevocationThread } from "./revocation-thread";
import { systemCtx } from "./system-ctx";

export type InlineDriver = WorkflowDriver & { start(): void; stop(): Promise<void>; idle(): Promise<void> };

export type InlineDriverOptions = {
  db: Db;
  reconcileIntervalMs: number;
  /** Expiries closer than this get an in-process timer; later ones are armed by a later scan. */
  timerHorizonMs?: number;
  /** Work in flight at once (revocations first, then provisioning), and cloud calls per expiry batch. */
  concurrency?: number;
  /** Passed to every reconcile pass (e.g. roleGraceMs). */
  reconcile?: Omit<ReconcileOptions, "db" | "now" | "workflows">;
  /**
   * Run expiries on a worker thread with its own pool on this Postgres database. Without it (and always on
   * PGlite, which one thread owns) the lane runs in this thread, ahead of provisioning in the pump.
   */
  revocationThread?: { url: string };
};

/**
 * The embedded workflow engine: work runs in this process right after the verb commits. Expiries sit in the
 * revocation lane (its own thread on Postgres), which revokes them in batches when they fall due; manual
 * revocations and provisioning share a pump where revocations go first. The reconciler loop, never
 * overlapping itself, catches whatever a crash or a full queue missed, so lateness is bounded by its interval.
 */
export function createInlineDriver(opts: InlineDriverOptions): InlineDriver {
  const { db, reconcileIntervalMs } = opts;
  const horizonMs = opts.timerHorizonMs ?? defaultHorizonMs(reconcileIntervalMs);
  const concurrency = opts.concurrency ?? 8;
  const inflight = new Set<Promise<unknown>>();
  let started = false;
  let loopTimer: ReturnType<typeof setTimeout> | null = null;
  let reconciling: Promise<void> | null = null;

  const track = <T>(p: Promise<T>): Promise<T> => {
    inflight.add(p);
    void p.finally(() => inflight.delete(p)).catch(() => {});
    return p;
  };
  const pump = createPriorityPump({ concurrency, throttled: () => lane.busy() });
  const laneOptions = {
    db,
    scanIntervalMs: reconcileIntervalMs,
    horizonMs,
    concurrency,
    orgId: opts.reconcile?.orgId,
    onBusy: () => pump.kick(),
  };
  const lane: RevocationLane = opts.revocationThread
    ? startRevocationThread({
        ...laneOptions,
        url: opts.revocationThread.url,
        fallback: () => createRevocationLane(laneOptions),
      })
    : createRevocationLane(laneOptions);

  async function provision(orgId: string, grantId: string) {
    try {
      const out = await provisionGrant({ ctx: systemCtx(db, orgId, "workflow", driver), input: { grantId } });
      if (out.status === "active") lane.arm(orgId, grantId, out.expiresAt);
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
      if (out.status === "active") lane.arm(orgId, grantId, out.expiresAt);
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

  async function pass() {
    try {
      await reconcileOnce({ db, workflows: driver, ...opts.reconcile });
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
          await Promise.all(
            e.grantIds.map((id) => track(pump.run("provisioning", () => provision(e.orgId, id)))),
          );
        } else if (e.name === "grant.revoke.requested") {
          lane.disarm(e.grantId);
          await track(pump.run("revocation", () => revoke(e.orgId, e.grantId)));
        } else if (e.name === "grant.extended") {
          await track(pump.run("provisioning", () => extend(e.orgId, e.grantId)));
          lane.arm(e.orgId, e.grantId, e.expiresAt);
        } else if (e.name === "alert.raised") {
          // Inline, an alert is an error log line marked `alert` (as capacity alerts are); notification
          // channels subscribe to the same event under Inngest.
          logger.error(
            { alert: true, kind: e.kind, orgId: e.orgId, grantId: e.grantId, occurrence: e.occurrence },
            e.message,
          );
        } else if (e.name === "notification.deliver") {
          // Not through the pump: messages never wait behind cloud work. Failures wait their retry time
          // and the notification pass (lib/notify/loop.ts) hands them back here.
          await track(
            deliverNotifications({ db, ids: e.deliveryIds }).catch((err) =>
              logger.error({ err }, "delivering notifications failed; the next pass retries"),
            ),
          );
        }
      }
    },
    start() {
      if (started) return;
      started = true;
      // Catch up at once (timers lost with the last process, expiries missed while down), then every interval.
      lane.start();
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
      pump.clear();
      await reconciling;
      await lane.stop();
      await driver.idle();
    },
    async idle() {
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
      await lane.idle();
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
    },
  };
  return driver;
}
