import type { GrantStatus } from "@/db/schema";
import type { GrantOutcome } from "@/lib/grants";

/** Longest single sleep. Inngest caps sleeps (7 days on some plans); a longer wait loops, re-reading the grant. */
export const MAX_SLEEP_MS = 7 * 24 * 3600_000;
/** Never wake sooner than this: a clock slightly behind Inngest's must not spin the loop. */
export const MIN_WAIT_MS = 1_000;
/** Sleep-and-retry rounds before a run leaves the grant to the reconciler (Inngest caps steps per run). */
export const MAX_ROUNDS = 60;

export type NextMove = { action: "done" } | { action: "provision" | "revoke"; at: string };

/** What every grant step returns: small, JSON-safe, and enough to decide what to do next. */
export type GrantStepResult = {
  grantId: string;
  status: GrantStatus;
  expiresAt: string | null;
  attempts: number;
  next: NextMove;
};

const ms = (iso: string | null, fallback: number) => (iso ? new Date(iso).getTime() : fallback);

/**
 * The next move for a grant, computed inside the step that read it (so `now` is memoized with the step and
 * replays are deterministic): provision again at its retry time, revoke at expiry (or at the retry time of a
 * revocation under way), or stop at a terminal status.
 */
export function planNext(o: GrantOutcome, now: Date): GrantStepResult {
  const t = now.getTime();
  const soonest = t + MIN_WAIT_MS;
  const at = (when: number) => new Date(Math.min(Math.max(when, soonest), t + MAX_SLEEP_MS)).toISOString();
  let next: NextMove;
  switch (o.status) {
    case "scheduled":
    case "provisioning":
      next = { action: "provision", at: at(ms(o.nextAttemptAt, t)) };
      break;
    case "active":
      // No expiry should not happen; look again after the longest sleep rather than never.
      next = { action: "revoke", at: at(ms(o.expiresAt, t + MAX_SLEEP_MS)) };
      break;
    case "revoking":
    case "revoke_stuck":
      next = { action: "revoke", at: at(ms(o.nextAttemptAt, t)) };
      break;
    case "revoked":
    case "failed":
      next = { action: "done" };
      break;
  }
  return { grantId: o.id, status: o.status, expiresAt: o.expiresAt, attempts: o.attempts, next };
}
