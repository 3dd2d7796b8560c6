import { GRANT_STATUSES, type GrantStatus, REQUEST_STATUSES, type RequestStatus } from "@/db/schema/enums";

/** Every status, in lifecycle order (declared once in db/schema/enums, where the CHECK constraints come from). */
export { GRANT_STATUSES, REQUEST_STATUSES };

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

export type GrantEvent =
  | { type: "start" } // provisioning begins
  | { type: "activated" } // binding created and read back
  | { type: "provision_failed" } // cleaned up, nothing left behind
  | { type: "revoke" } // expiry reached, revoke now, or give back early
  | { type: "revoked" } // binding removed and read back as gone
  | { type: "revoke_failed" }; // retries exhausted for now: alert, keep retrying

export const GRANT_TERMINAL: ReadonlySet<GrantStatus> = new Set(["revoked", "failed"]);

const GRANT_TABLE: Record<GrantEvent["type"], Partial<Record<GrantStatus, GrantStatus>>> = {
  start: { scheduled: "provisioning" },
  activated: { provisioning: "active" },
  provision_failed: { scheduled: "failed", provisioning: "failed" },
  // A grant still being provisioned can be revoked: the revocation removes whatever was made.
  revoke: { scheduled: "revoking", provisioning: "revoking", active: "revoking" },
  revoked: { revoking: "revoked", revoke_stuck: "revoked" },
  revoke_failed: { revoking: "revoke_stuck" },
};

export function grantTransition(from: GrantStatus, event: GrantEvent): Transition<GrantStatus> {
  if (GRANT_TERMINAL.has(from)) return { ok: false, reason: `grant is ${from}` };
  const to = GRANT_TABLE[event.type][from];
  return to ? { ok: true, to } : { ok: false, reason: `grant is ${from}; cannot ${event.type}` };
}

/** Grants that may still hold (or soon hold) access in a cloud: what "live" means in lists. */
export const LIVE_GRANT_STATUSES = [
  "scheduled",
  "provisioning",
  "active",
  "revoking",
  "revoke_stuck",
] as const satisfies readonly GrantStatus[];

/** Grants on their way to active: the reconciler restarts these when their lease runs out. */
export const STARTING_GRANT_STATUSES = [
  "scheduled",
  "provisioning",
] as const satisfies readonly GrantStatus[];

/** Grants whose revocation has begun and is not yet confirmed. */
export const REVOKING_GRANT_STATUSES = ["revoking", "revoke_stuck"] as const satisfies readonly GrantStatus[];
