import { getInngest } from "../client";
import type { FunctionDeps } from "../deps";
import { grantScheduled, requestApproved, workflowEventIds } from "../events";
import { onJobFailure } from "../failure";
import { describeGrantsStep } from "../steps";

export const SCHEDULE_GRANTS_ID = "schedule-grants";

/**
 * Fans an approved request out into one `grant.scheduled` event per grant, each carrying its target, so the
 * lifecycle runs one per grant with concurrency keyed by target. Deterministic ids make a replay a no-op.
 * If it fails for good the grants stay `scheduled`; the reconciler provisions them, and an alert is raised.
 */
export function createScheduleGrants(deps: FunctionDeps) {
  return getInngest().createFunction(
    {
      id: SCHEDULE_GRANTS_ID,
      name: "Schedule the grants of an approved request",
      triggers: [requestApproved],
      retries: 5,
      onFailure: ({ event, error, step }) => onJobFailure(step, SCHEDULE_GRANTS_ID, event, error),
    },
    async ({ event, step }) => {
      const { orgId, requestId, grantIds } = event.data;
      const grants = await step.run("describe-grants", () => describeGrantsStep(deps, orgId, grantIds));
      if (grants.length > 0) {
        await step.sendEvent(
          "send-grant-scheduled",
          grants.map((g) =>
            grantScheduled.create(
              { orgId, requestId, grantId: g.grantId, targetId: g.targetId },
              { id: workflowEventIds.grantScheduled(g.grantId) },
            ),
          ),
        );
      }
      return { requestId, scheduled: grants.map((g) => g.grantId) };
    },
  );
}
