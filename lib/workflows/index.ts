import { getDb } from "@/db/client";
import { env } from "@/lib/env";
import { logger } from "@/lib/log";
import { createInlineDriver } from "./inline";
import { createInngestDriver } from "./inngest-driver";
import type { WorkflowDriver } from "./port";

export { createInlineDriver, type InlineDriver } from "./inline";
export { createInngestDriver } from "./inngest-driver";
export type { WorkflowDriver, WorkflowEvent } from "./port";
export { systemCtx } from "./system-ctx";

const KEY = Symbol.for("elevate.workflows");
type GlobalWithDriver = typeof globalThis & { [KEY]?: Promise<WorkflowDriver> };

/**
 * The process-wide workflow driver (one per process, shared across Next's module copies). The inline
 * driver starts its timers and reconciler here when ELEVATE_RECONCILER is on.
 */
export function getWorkflowDriver(): Promise<WorkflowDriver> {
  const g = globalThis as GlobalWithDriver;
  const existing = g[KEY];
  if (existing) return existing;
  const opening = (async (): Promise<WorkflowDriver> => {
    const e = env();
    // With Inngest, timing, retries and the reconciler cron all run there: nothing starts in-process.
    if (e.workflowsKind === "inngest") {
      const driver = createInngestDriver();
      // Notifications are collected here too (Inngest's notify-sweep cron is the catch-up) and sent there.
      if (e.ELEVATE_RECONCILER === "on") await startNotifications(driver);
      return driver;
    }
    const driver = createInlineDriver({
      db: await getDb(),
      reconcileIntervalMs: e.ELEVATE_RECONCILE_INTERVAL_MS,
      // PGlite is one connection owned by this thread: there the lane stays in-thread, ahead in the pump.
      revocationThread:
        e.DATABASE_URL && e.ELEVATE_REVOCATION_THREAD === "on" ? { url: e.DATABASE_URL } : undefined,
    });
    if (e.ELEVATE_RECONCILER === "on") {
      driver.start();
      // The usage pull's schedule in embedded mode (Inngest's `usage-pull` cron does it there).
      const { startUsagePullTimer } = await import("@/lib/usage/pull");
      startUsagePullTimer({ db: await getDb() });
      // Signed audit checkpoints and retention (Inngest's `audit-maintenance` cron there).
      const { startAuditTimer } = await import("@/lib/audit/maintenance");
      startAuditTimer({ db: await getDb() });
      await startNotifications(driver);
      // Scheduled compliance reports (Inngest's `report-schedules` cron there).
      const { startReportScheduleTimer } = await import("@/lib/compliance/schedules");
      startReportScheduleTimer({ db: await getDb() });
    }
    return driver;
  })();
  g[KEY] = opening;
  opening.catch(() => {
    if (g[KEY] === opening) g[KEY] = undefined;
  });
  return opening;
}

async function startNotifications(workflows: WorkflowDriver): Promise<void> {
  const { startNotifyTimer } = await import("@/lib/notify/loop");
  startNotifyTimer({ db: await getDb(), workflows, intervalMs: env().ELEVATE_NOTIFY_INTERVAL_MS });
}

/** Called once at start-up (Next's instrumentation.ts, the CLI's long-running commands). */
export async function startBackgroundWork(): Promise<void> {
  try {
    await getWorkflowDriver();
  } catch (err) {
    // Keep serving pages: the failure shows on every action that needs the driver, and here once.
    logger.error({ err }, "background work not started");
  }
}
