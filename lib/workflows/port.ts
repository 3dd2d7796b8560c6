/** Work handed to the workflow engine after a verb's transaction commits. */
export type WorkflowEvent =
  | { name: "request.approved"; orgId: string; requestId: string; grantIds: string[] }
  | { name: "grant.revoke.requested"; orgId: string; grantId: string }
  | { name: "grant.extended"; orgId: string; grantId: string; expiresAt: string }
  | {
      /** An alert for admins (`elevate/alert.raised`); `occurrence` makes it idempotent. */
      name: "alert.raised";
      orgId: string;
      kind: "break_glass.activated" | "break_glass.review_overdue";
      grantId: string | null;
      status: string | null;
      message: string;
      source: string;
      occurrence: string;
    }
  /** Queued notifications to send (lib/notify): inline now, or one Inngest event per delivery (retried there). */
  | { name: "notification.deliver"; orgId: string; deliveryIds: string[] };

/**
 * The workflow driver port. The inline driver runs the work in this process; the Inngest driver
 * sends events with deterministic ids. Verbs never know which one they talk to.
 */
export interface WorkflowDriver {
  readonly kind: "inline" | "inngest" | "recording";
  dispatch(events: WorkflowEvent[]): Promise<void>;
}

/** A driver that only records what it was given: for tests of verbs alone, and the API dry path. */
export function recordingDriver(): WorkflowDriver & { events: WorkflowEvent[] } {
  const events: WorkflowEvent[] = [];
  return {
    kind: "recording",
    events,
    async dispatch(e) {
      events.push(...e);
    },
  };
}
