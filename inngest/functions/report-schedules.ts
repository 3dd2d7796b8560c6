import { cron } from "inngest";
import { remindAccessReviewers } from "@/lib/compliance/reviews";
import { runDueReportSchedules } from "@/lib/compliance/schedules";
import { getInngest } from "../client";
import type { FunctionDeps } from "../deps";
import { onJobFailure } from "../failure";

export const REPORT_SCHEDULES_ID = "report-schedules";

/**
 * Every 5 minutes: the compliance report schedules that are due, delivered by email or signed webhook
 * (lib/compliance/schedules), then the daily reminders of open access reviews. Retries of a failed delivery are kept in the schedule row with backoff, so
 * they happen on later ticks whichever driver runs them.
 */
export function createReportSchedules(deps: FunctionDeps) {
  return getInngest().createFunction(
    {
      id: REPORT_SCHEDULES_ID,
      name: "Deliver scheduled compliance reports",
      triggers: [cron("*/5 * * * *")],
      concurrency: [{ limit: 1 }],
      retries: 1,
      onFailure: ({ event, error, step }) => onJobFailure(step, REPORT_SCHEDULES_ID, event, error),
    },
    async ({ step }) => {
      const reports = await step.run("run-due", async () =>
        runDueReportSchedules({ db: await deps.db(), orgId: deps.reconcile?.orgId }),
      );
      // Access-review reminders go through the same channel, on the same beat.
      const reminders = await step.run("remind-reviewers", async () =>
        remindAccessReviewers({ db: await deps.db(), orgId: deps.reconcile?.orgId }),
      );
      return { ...reports, reminders };
    },
  );
}
