import { GRANT_STATUSES, type GrantStatus } from "@/db/schema/enums";
import type { Transition } from "../requests/request-state";

/** Every status, in lifecycle order (declared once in db/schema/enums, where the CHECK constraints come from). */
export { GRANT_STATUSES };

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
