import { type ClientOptions, eventType, Inngest } from "inngest";
import { z } from "zod";
import { type Env, env } from "@/lib/env";
import { logger } from "@/lib/log";
import type { WorkflowDriver, WorkflowEvent } from "./port";

// The wire contract of the events lib/ hands to Inngest. It lives here, not in inngest/, because lib/ never
// imports from inngest/; inngest/events.ts re-exports these and adds the events only functions send.

export const INNGEST_APP_ID = "elevate";

export const requestApproved = eventType("elevate/request.approved", {
  schema: z.object({ orgId: z.uuid(), requestId: z.uuid(), grantIds: z.array(z.uuid()) }),
});

export const grantRevokeRequested = eventType("elevate/grant.revoke.requested", {
  schema: z.object({ orgId: z.uuid(), grantId: z.uuid() }),
});

export const grantExtended = eventType("elevate/grant.extended", {
  schema: z.object({ orgId: z.uuid(), grantId: z.uuid(), expiresAt: z.iso.datetime({ offset: true }) }),
});

export const ALERT_KINDS = [
  "grant.failed",
  "grant.revoke_stuck",
  "workflow.failed",
  "break_glass.activated",
  "break_glass.review_overdue",
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/**
 * Something a person must look at (a grant that failed or whose revocation is stuck, a failed job, a
 * break-glass activation or its overdue review). Functions send it, and so do verbs (break-glass), through
 * the driver port. `runId` names the occurrence (the failed run, or `break-glass:<requestId>`).
 */
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

/** One queued notification (lib/notify); the function retries it with Inngest's backoff. */
export const notificationDeliver = eventType("elevate/notification.deliver", {
  schema: z.object({ orgId: z.uuid(), deliveryId: z.uuid() }),
});

/**
 * Deterministic event ids: Inngest drops a second event with the same id (24 h window), so a verb that
 * dispatches twice, or a retried HTTP call, starts one run, not two.
 */
export const eventIds = {
  requestApproved: (requestId: string) => `request.approved:${requestId}`,
  grantRevokeRequested: (grantId: string) => `grant.revoke.requested:${grantId}`,
  grantExtended: (grantId: string, expiresAt: string) => `grant.extended:${grantId}:${expiresAt}`,
  notificationDeliver: (deliveryId: string) => `notification.deliver:${deliveryId}`,
};

/**
 * True only when INNGEST_DEV explicitly asks for the dev server: `1`, `true`, or the dev server's URL.
 * Anything else (unset, `0`, a typo) means cloud mode, where every call to /api/inngest must carry Inngest's
 * signature (INNGEST_SIGNING_KEY); without a key every call is refused.
 */
export function inngestDevMode(value: string | undefined): boolean {
  const v = value?.trim().toLowerCase() ?? "";
  return v === "1" || v === "true" || /^https?:\/\//.test(v);
}

/**
 * Client settings from the environment (lib/env.ts is the only reader of process.env). Dev mode (no request
 * signing) only when INNGEST_DEV asks for it: an unset INNGEST_DEV is cloud mode, in development too, so a
 * configured Inngest driver never accepts unsigned calls by default. Cloud mode without a signing key fails
 * closed: the serve endpoint rejects every call.
 */
export function inngestClientOptions(e: Env = env()): ClientOptions & { id: string; isDev: boolean } {
  const devUrl = e.INNGEST_DEV && /^https?:\/\//.test(e.INNGEST_DEV) ? e.INNGEST_DEV : undefined;
  const isDev = inngestDevMode(e.INNGEST_DEV);
  const baseUrl = e.INNGEST_BASE_URL ?? devUrl;
  return {
    id: INNGEST_APP_ID,
    isDev,
    ...(baseUrl ? { baseUrl } : {}),
    ...(e.INNGEST_EVENT_KEY ? { eventKey: e.INNGEST_EVENT_KEY } : {}),
    ...(e.INNGEST_SIGNING_KEY ? { signingKey: e.INNGEST_SIGNING_KEY } : {}),
  };
}

type InngestEvent =
  | ReturnType<typeof requestApproved.create>
  | ReturnType<typeof grantRevokeRequested.create>
  | ReturnType<typeof grantExtended.create>
  | ReturnType<typeof notificationDeliver.create>
  | ReturnType<typeof alertRaised.create>;

function toInngest(e: WorkflowEvent): InngestEvent | InngestEvent[] {
  switch (e.name) {
    case "notification.deliver":
      return e.deliveryIds.map((deliveryId) =>
        notificationDeliver.create(
          { orgId: e.orgId, deliveryId },
          { id: eventIds.notificationDeliver(deliveryId) },
        ),
      );
    case "request.approved":
      return requestApproved.create(
        { orgId: e.orgId, requestId: e.requestId, grantIds: e.grantIds },
        { id: eventIds.requestApproved(e.requestId) },
      );
    case "grant.revoke.requested":
      return grantRevokeRequested.create(
        { orgId: e.orgId, grantId: e.grantId },
        { id: eventIds.grantRevokeRequested(e.grantId) },
      );
    case "grant.extended":
      return grantExtended.create(
        { orgId: e.orgId, grantId: e.grantId, expiresAt: e.expiresAt },
        { id: eventIds.grantExtended(e.grantId, e.expiresAt) },
      );
    case "alert.raised":
      return alertRaised.create(
        {
          kind: e.kind,
          orgId: e.orgId,
          grantId: e.grantId,
          status: e.status,
          message: e.message,
          functionId: e.source,
          runId: e.occurrence,
        },
        { id: `alert.raised:${e.occurrence}` },
      );
  }
}

/**
 * The production workflow driver: each event the verbs dispatch becomes one Inngest event with a deterministic
 * id; the functions in inngest/ do the work. A send that fails is logged, not thrown: the verb has committed,
 * and the reconciler (an Inngest cron) provisions stale scheduled grants and revokes due ones without it.
 */
export function createInngestDriver(opts: { client?: Inngest.Any } = {}): WorkflowDriver {
  const client = opts.client ?? new Inngest(inngestClientOptions());
  return {
    kind: "inngest",
    async dispatch(events) {
      if (events.length === 0) return;
      try {
        await client.send(events.flatMap(toInngest));
      } catch (err) {
        logger.error(
          { err, events: events.map((e) => e.name) },
          "sending workflow events to Inngest failed; the reconciler will pick the work up",
        );
      }
    },
  };
}
