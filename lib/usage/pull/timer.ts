import type { Db } from "@/db/client";
import { logger } from "@/lib/log";
import { repeatEvery } from "@/lib/workflows/repeat";
import { refreshAllRecentRollups } from "../reports/refresh";
import { pullAll } from "./pull-target";

/** Every 15 minutes: LookupEvents lists events minutes late anyway, and a pass with nothing new is cheap. */
export const USAGE_PULL_INTERVAL_MS = 15 * 60_000;

/**
 * The embedded mode's schedule for the pull and the report roll-ups' recent days (Inngest's cron does it in production): passes never overlap,
 * a failed pass is logged and the next one runs. Returns a stop function. The timer does not keep the
 * process alive.
 */
export function startUsagePullTimer({
  db,
  intervalMs = USAGE_PULL_INTERVAL_MS,
}: {
  db: Db;
  intervalMs?: number;
}) {
  return repeatEvery(intervalMs, [
    {
      job: "usage-pull",
      run: async () => {
        const out = await pullAll({ db });
        if (out.targets > 0) logger.info({ job: "usage-pull", ...out }, "usage pull pass");
      },
    },
    // The dashboards' recent days (requests decided, grants made live or removed since the last pass).
    { job: "report-rollups", run: () => refreshAllRecentRollups({ db }).then(() => undefined) },
  ]);
}
