import type { Db } from "@/db/client";
import { organizations } from "@/db/schema";
import { releaseFreezeDenies } from "@/lib/freeze/freeze";
import { logger } from "@/lib/log";
import type { WorkflowDriver } from "@/lib/workflows/port";
import { collectExpiring, collectFromAudit, dueDeliveries } from "./collect";

/**
 * One pass: every org's new audit events and soon-expiring grants become deliveries, handed to the
 * workflow driver (inline: sent in this process; Inngest: one event per delivery, retried there). With the
 * inline driver the pass also hands over deliveries whose retry time has come.
 */
export async function notifyOnce({
  db,
  workflows,
  now = new Date(),
  orgId: only,
}: {
  db: Db;
  workflows: WorkflowDriver;
  now?: Date;
  /** One org only (tests and benches on a shared database). */
  orgId?: string;
}): Promise<{ collected: number; retried: number }> {
  let collected = 0;
  for (const orgId of only ? [only] : await allOrgIds(db)) {
    const ids = [...(await collectFromAudit(db, orgId, now)), ...(await collectExpiring(db, orgId, now))];
    collected += ids.length;
    if (ids.length > 0) await workflows.dispatch([{ name: "notification.deliver", orgId, deliveryIds: ids }]);
  }
  let retried = 0;
  if (workflows.kind !== "inngest") {
    const due = (await dueDeliveries(db, now)).filter((d) => !only || d.orgId === only);
    const byOrg = new Map<string, string[]>();
    for (const d of due) byOrg.set(d.orgId, [...(byOrg.get(d.orgId) ?? []), d.id]);
    for (const [orgId, deliveryIds] of byOrg) {
      retried += deliveryIds.length;
      await workflows.dispatch([{ name: "notification.deliver", orgId, deliveryIds }]);
    }
  }
  return { collected, retried };
}

export async function allOrgIds(db: Db): Promise<string[]> {
  return (await db.select({ id: organizations.id }).from(organizations)).map((o) => o.id);
}

const KEY = Symbol.for("elevate.notify-timer");
type G = typeof globalThis & { [KEY]?: ReturnType<typeof setTimeout> };

/** Runs notifyOnce every ELEVATE_NOTIFY_INTERVAL_MS in this process, never overlapping itself. */
export function startNotifyTimer(opts: {
  db: Db;
  workflows: WorkflowDriver;
  intervalMs: number;
}): () => void {
  const g = globalThis as G;
  let stopped = false;
  const tick = async () => {
    try {
      await notifyOnce(opts);
    } catch (err) {
      logger.error({ err }, "notification pass failed");
    }
    // Freeze deny policies outlive their grants only until the revocations finish.
    try {
      await releaseFreezeDenies(opts.db);
    } catch (err) {
      logger.error({ err }, "releasing freeze deny policies failed");
    }
    if (!stopped) {
      g[KEY] = setTimeout(tick, opts.intervalMs);
      g[KEY].unref?.();
    }
  };
  if (g[KEY]) clearTimeout(g[KEY]);
  g[KEY] = setTimeout(tick, opts.intervalMs);
  g[KEY].unref?.();
  return () => {
    stopped = true;
    if (g[KEY]) clearTimeout(g[KEY]);
  };
}
