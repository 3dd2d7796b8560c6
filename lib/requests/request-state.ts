import { REQUEST_STATUSES, type RequestStatus } from "@/db/schema/enums";

/** Every status, in lifecycle order (declared once in db/schema/enums, where the CHECK constraints come from). */
export { REQUEST_STATUSES };

/** Everything that can happen to a request. `approve` carries the quorum state after counting it. */
export type RequestEvent =
  | { type: "approve"; approvals: number; required: number }
  | { type: "deny" }
  | { type: "cancel" }
  | { type: "lapse" }
  | { type: "complete" };

export const REQUEST_TERMINAL: ReadonlySet<RequestStatus> = new Set([
  "denied",
  "cancelled",
  "lapsed",
  "completed",
]);

export type Transition<S> = { ok: true; to: S } | { ok: false; reason: string };

/**
 * The request state machine as a table: for each event, the status it moves each status to. A status an
 * event does not name refuses it. Statuses with no way out are terminal.
 */
export const REQUEST_TABLE: {
  readonly [E in RequestEvent["type"]]: Partial<Record<RequestStatus, RequestStatus>>;
} = {
  approve: { pending: "approved" },
  deny: { pending: "denied" },
  cancel: { pending: "cancelled" },
  lapse: { pending: "lapsed" },
  complete: { approved: "completed" },
};

/** Whether `event` can happen to a request in status `from` at all (before counting any quorum). */
export function requestAccepts(from: RequestStatus, event: RequestEvent["type"]): boolean {
  return REQUEST_TABLE[event][from] !== undefined;
}

/** Applied by verbs with a guarded UPDATE. */
export function requestTransition(from: RequestStatus, event: RequestEvent): Transition<RequestStatus> {
  if (REQUEST_TERMINAL.has(from)) return { ok: false, reason: `request is ${from}` };
  const to = REQUEST_TABLE[event.type][from];
  if (!to) return { ok: false, reason: `request is ${from}; cannot ${event.type}` };
  if (event.type === "approve") {
    if (!(event.required >= 1) || !(event.approvals >= 0)) return { ok: false, reason: "invalid quorum" };
    // Below quorum the request stays where it is; only the decisive approval moves it.
    if (event.approvals < event.required) return { ok: true, to: from };
  }
  return { ok: true, to };
}
