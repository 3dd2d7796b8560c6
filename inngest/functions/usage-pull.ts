import { cron } from "inngest";
import { pullAll } from "@/lib/usage/pull";
import { refreshAllRecentRollups } from "@/lib/usage/reports";
import { getInngest } from "../client";
import type { FunctionDeps } from "../deps";
import { onJobFailure } from "../failure";

export const USAGE_PULL_ID = "usage-pull";

/**
 * Every 15 minutes: each AWS, GCP and Azure target's audit log since its checkpoint, into usage events (lib/usage/pull),
 * then the report roll-ups of the last days (lib/usage/reports).
 * One pass at a time; a target that fails is logged and retried on the next tick from its checkpoint.
 */
export function createUsagePull(deps: FunctionDeps) {
  return getInngest().createFunction(
    {
      id: USAGE_PULL_ID,
      name: "Pull cloud audit logs into usage",
      triggers: [cron("*/15 * * * *")],
      concurrency: [{ limit: 1 }],
      retries: 1,
      onFailure: ({ event, error, step }) => onJobFailure(step, USAGE_PULL_ID, event, error),
    },
    // Tests scope the pass to their org through the reconcile options, as for the reconciler.
    async ({ step }) => {
      const pulled = await step.run("pull-all", async () =>
        pullAll({ db: await deps.db(), orgId: deps.reconcile?.orgId }),
      );
      // Then the dashboards' recent days (requests decided, grants made live or removed since the last tick).
      const rollups = await step.run("refresh-report-rollups", async () =>
        refreshAllRecentRollups({ db: await deps.db(), orgId: deps.reconcile?.orgId }),
      );
      return { ...pulled, rollups };
    },
  );
}
