import type { Db } from "@/db/client";
import { logger } from "@/lib/log";
import { repeatEvery } from "@/lib/workflows/repeat";
import { remindAccessReviewers } from "../reviews/remind";
import { runDueReportSchedules } from "./run-due";

export const REPORT_SCHEDULE_INTERVAL_MS = 60_000;

/**
 * The embedded mode's schedule for report delivery and access-review reminders (Inngest's `report-schedules` cron does it there): one
 * pass a minute; a failed pass is logged and the next one runs. Returns a stop function; does not keep the
 * process alive.
 */
export function startReportScheduleTimer({
  db,
  intervalMs = REPORT_SCHEDULE_INTERVAL_MS,
}: {
  db: Db;
  intervalMs?: number;
}) {
  return repeatEvery(intervalMs, [
    {
      job: "report-schedules",
      run: async () => {
        const out = await runDueReportSchedules({ db });
        if (out.delivered + out.retrying + out.failed > 0)
          logger.info({ job: "report-schedules", ...out }, "report schedule pass");
      },
    },
    // Access-review reminders go through the same channel (mail), on the same beat.
    { job: "access-review-reminders", run: () => remindAccessReviewers({ db }).then(() => undefined) },
  ]);
}
