import { cron } from "inngest";
import { getInngest } from "../client";
import type { FunctionDeps } from "../deps";
import { onJobFailure } from "../failure";
import { reconcileStep } from "../steps";

export const RECONCILE_ID = "reconcile";

/**
 * The safety net, every minute: revoke what expired (including expiries beyond a lifecycle run's reach or
 * whose run was lost), retry failed steps, provision grants whose event never arrived, lapse stale requests,
 * remove drift, delete unused roles. The same verb the inline driver's loop runs; passes may overlap safely.
 */
export function createReconcile(deps: FunctionDeps) {
  return getInngest().createFunction(
    {
      id: RECONCILE_ID,
      name: "Reconcile grants and cloud state",
      triggers: [cron("* * * * *")],
      // One pass at a time: a slow pass is not stacked with the next minute's.
      concurrency: [{ limit: 1 }],
      retries: 2,
      onFailure: ({ event, error, step }) => onJobFailure(step, RECONCILE_ID, event, error),
    },
    async ({ step }) => step.run("reconcile-once", () => reconcileStep(deps)),
  );
}
