import type { FailureEventPayload, GetStepTools } from "inngest";
import { z } from "zod";
import type { AppInngest } from "./client";
import type { FunctionDeps } from "./deps";
import { type AlertKind, alertRaised, workflowEventIds } from "./events";
import { markFailedStep } from "./steps";

type Step = GetStepTools<AppInngest>;

const GrantEventData = z.object({ orgId: z.uuid(), grantId: z.uuid() });

export type FailureResult = { grantId: string | null; status: string | null; alert: AlertKind };

/**
 * Shared `onFailure` of the grant functions (they ran out of retries): mark the grant — failed, or
 * revoke_stuck — through markGrantFailed, then raise one alert event for the failed run.
 */
export async function onGrantFunctionFailure(
  step: Step,
  deps: FunctionDeps,
  fnId: string,
  event: FailureEventPayload,
  error: Error,
): Promise<FailureResult> {
  const message = error.message || event.data.error.message || "function failed";
  const parsed = GrantEventData.safeParse(event.data.event.data);
  const ref = parsed.success ? parsed.data : null;
  const marked = ref
    ? await step.run("mark-grant", () => markFailedStep(deps, ref, message, fnId))
    : { grantId: null, status: null };
  const alert: AlertKind =
    marked.status === "failed"
      ? "grant.failed"
      : marked.status === "revoke_stuck"
        ? "grant.revoke_stuck"
        : "workflow.failed";
  await step.sendEvent(
    "raise-alert",
    alertRaised.create(
      {
        kind: alert,
        orgId: ref?.orgId ?? null,
        grantId: ref?.grantId ?? null,
        status: marked.status,
        message,
        functionId: fnId,
        runId: event.data.run_id,
      },
      { id: workflowEventIds.alertRaised(event.data.run_id) },
    ),
  );
  return { grantId: marked.grantId, status: marked.status, alert };
}

/** `onFailure` of the cron jobs: nothing to mark, one alert per failed run. */
export async function onJobFailure(step: Step, fnId: string, event: FailureEventPayload, error: Error) {
  await step.sendEvent(
    "raise-alert",
    alertRaised.create(
      {
        kind: "workflow.failed",
        orgId: null,
        grantId: null,
        status: null,
        message: error.message || event.data.error.message || "function failed",
        functionId: fnId,
        runId: event.data.run_id,
      },
      { id: workflowEventIds.alertRaised(event.data.run_id) },
    ),
  );
  return { alert: "workflow.failed" as const };
}
