import type { Db } from "@/db/client";
import { logger } from "@/lib/log";
import { repeatEvery } from "@/lib/workflows/repeat";
import { checkpointDue } from "./checkpoint";
import { applyAuditRetention } from "./retention";

export const AUDIT_MAINTENANCE_INTERVAL_MS = 60_000;

/**
 * The audit's scheduled work, outside every audited write: signed checkpoints that are due
 * (ELEVATE_AUDIT_CHECKPOINT_EVERY events or _MINUTES), then retention when ELEVATE_AUDIT_RETENTION_DAYS is set.
 */
export async function auditMaintenance(db: Db, opts: { now?: Date; orgId?: string } = {}) {
  const checkpoints = await checkpointDue(db, opts);
  const purges = await applyAuditRetention(db, opts);
  return { checkpoints, purged: purges.reduce((n, p) => n + p.purged, 0) };
}

/** Embedded mode's timer for it (Inngest's `audit-maintenance` cron does it there). Returns a stop function. */
export function startAuditTimer({
  db,
  intervalMs = AUDIT_MAINTENANCE_INTERVAL_MS,
}: {
  db: Db;
  intervalMs?: number;
}) {
  return repeatEvery(intervalMs, [
    {
      job: "audit-maintenance",
      run: async () => {
        const out = await auditMaintenance(db);
        if (out.checkpoints.written + out.purged > 0)
          logger.info({ job: "audit-maintenance", ...out }, "audit pass");
      },
    },
  ]);
}
