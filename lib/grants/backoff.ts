/** Failed attempts before provisioning gives up, or before a revocation is flagged `revoke_stuck`. */
export const MAX_ATTEMPTS = 5;

/**
 * While a process works on a grant it pushes `nextAttemptAt` this far ahead, so the reconciler (in this
 * or another process) leaves it alone; if the process dies, the grant is picked up once the lease lapses.
 */
export const LEASE_MS = 30_000;

type BackoffOptions = { baseMs: number; capMs: number; retryAfterMs?: number; random?: () => number };

export const PROVISION_BACKOFF = { baseMs: 2_000, capMs: 5 * 60_000 } as const;
// Revocations keep retrying for ever; a short cap keeps lateness low once the cloud recovers.
export const REVOKE_BACKOFF = { baseMs: 1_000, capMs: 60_000 } as const;

/**
 * Delay before retry number `attempt` (1 = first retry): exponential, capped, with "equal jitter" (half fixed,
 * half random) so many grants failing together do not retry in lockstep; never sooner than retry-after.
 */
export function backoffMs(attempt: number, opts: BackoffOptions): number {
  const random = opts.random ?? Math.random;
  const exp = Math.min(opts.capMs, opts.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = exp / 2 + random() * (exp / 2);
  return Math.round(Math.max(jittered, opts.retryAfterMs ?? 0));
}
