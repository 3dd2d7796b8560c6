import { cron } from "inngest";
import { recordAlert } from "@/lib/notify/collect";
import { deliverNotifications } from "@/lib/notify/deliver";
import { allOrgIds, notifyOnce } from "@/lib/notify/loop";
import { getInngest } from "../client";
import type { FunctionDeps } from "../deps";
import { alertRaised, notificationDeliver } from "../events";
import { onJobFailure } from "../failure";

export const NOTIFY_DELIVER_ID = "notify-deliver";
export const NOTIFY_ALERT_ID = "notify-alert";
export const NOTIFY_SWEEP_ID = "notify-sweep";

/**
 * Sends one queued notification. A retryable failure (SMTP down, webhook 5xx, Slack outage) throws, so
 * Inngest retries the run with its backoff; a permanent one is recorded as failed and ends the run.
 */
export function createNotifyDeliver(deps: FunctionDeps) {
  return getInngest().createFunction(
    {
      id: NOTIFY_DELIVER_ID,
      name: "Send a notification",
      triggers: [notificationDeliver],
      retries: 8,
      // Raises an org-less alert, which notify-alert does not turn into more notifications (no cascade).
      onFailure: ({ event, error, step }) => onJobFailure(step, NOTIFY_DELIVER_ID, event, error),
    },
    async ({ event, step }) =>
      step.run("deliver", async () => {
        const out = await deliverNotifications({
          db: await deps.db(),
          ids: [event.data.deliveryId],
          force: true,
        });
        if (out.retrying.length > 0) throw new Error("notification not sent yet; retrying");
        return out;
      }),
  );
}

/** Alerts (`elevate/alert.raised`) go to every admin on their channels. */
export function createNotifyAlert(deps: FunctionDeps) {
  return getInngest().createFunction(
    {
      id: NOTIFY_ALERT_ID,
      name: "Tell admins about an alert",
      triggers: [alertRaised],
      retries: 5,
      onFailure: ({ event, error, step }) => onJobFailure(step, NOTIFY_ALERT_ID, event, error),
    },
    async ({ event, step }) => {
      // A failure of the notification functions themselves is not notified (it would feed itself).
      if (event.data.functionId.startsWith("notify-")) return { deliveries: 0 };
      // An org-less alert (a cron job failed) concerns the whole installation: every org's admins.
      const orgIds = event.data.orgId
        ? [event.data.orgId]
        : await step.run("orgs", async () => allOrgIds(await deps.db()));
      let deliveries = 0;
      for (const orgId of orgIds) {
        const ids = await step.run(`record-${orgId}`, async () =>
          recordAlert(await deps.db(), { ...event.data, orgId }),
        );
        await step.run(`dispatch-${orgId}`, () =>
          deps.workflows().dispatch([{ name: "notification.deliver", orgId, deliveryIds: ids }]),
        );
        deliveries += ids.length;
      }
      return { deliveries };
    },
  );
}

/** Catch-up pass each minute: audit events and expiries not collected by a running server. */
export function createNotifySweep(deps: FunctionDeps) {
  return getInngest().createFunction(
    {
      id: NOTIFY_SWEEP_ID,
      name: "Collect notifications",
      triggers: [cron("* * * * *")],
      concurrency: [{ limit: 1 }],
      retries: 1,
      onFailure: ({ event, error, step }) => onJobFailure(step, NOTIFY_SWEEP_ID, event, error),
    },
    async ({ step }) =>
      step.run("collect", async () => notifyOnce({ db: await deps.db(), workflows: deps.workflows() })),
  );
}
