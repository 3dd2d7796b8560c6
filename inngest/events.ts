import { eventType } from "inngest";
import { z } from "zod";

// Every event the app sends or handles. The three lib/ dispatches are defined beside the driver (lib/ never
// imports from inngest/); the rest are sent by functions only.
export {
  ALERT_KINDS,
  type AlertKind,
  alertRaised,
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

export const workflowEventIds = {
  grantScheduled: (grantId: string) => `grant.scheduled:${grantId}`,
  /** One alert per failed run, however often the failure handler is retried. */
  alertRaised: (failedRunId: string) => `alert.raised:${failedRunId}`,
};
