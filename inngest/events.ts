import { eventType } from "inngest";
import { z } from "zod";

// Every event the app sends or handles. The three lib/ dispatches are defined beside the driver (lib/ never
// imports from inngest/); the rest are sent by functions only.
export {
  eventIds,
  grantExtended,
  grantRevokeRequested,
  notificationDeliver,
  requestApproved,
} from "@/lib/workflows/inngest-driver";

/** One grant of an approved request, with its target so concurrency can be keyed by target. */
export const grantScheduled = eventType("elevate/grant.scheduled", {
  schema: z.object({ orgId: z.uuid(), requestId: z.uuid(), grantId: z.uuid(), targetId: z.uuid() }),
});

export const ALERT_KINDS = ["grant.failed", "grant.revoke_stuck", "workflow.failed"] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Something a person must look at (a grant that failed or whose revocation is stuck, a failed job). */
export const alertRaised = eventType("elevate/alert.raised", {
  schema: z.object({
    kind: z.enum(ALERT_KINDS),
    orgId: z.uuid().nullable(),
    grantId: z.uuid().nullable(),
    status: z.string().nullable(),
    message: z.string(),
    functionId: z.string(),
    runId: z.string(),
  }),
});

export const workflowEventIds = {
  grantScheduled: (grantId: string) => `grant.scheduled:${grantId}`,
  /** One alert per failed run, however often the failure handler is retried. */
  alertRaised: (failedRunId: string) => `alert.raised:${failedRunId}`,
};
