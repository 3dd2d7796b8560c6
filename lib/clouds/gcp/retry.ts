import { CloudError } from "@/lib/clouds/port";

/** How a cloud adapter retries one call. Used by the GCP and Azure adapters alike. */
export type RetryPolicy = {
  /** Total tries of one call, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is handed to the caller (workflow) instead of blocking here. */
  maxRetryAfterMs: number;
};

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 30_000,
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `fn`, retrying classified `retryable` and `throttled` failures with capped exponential backoff
 * (full jitter) or the cloud's Retry-After. Anything else, or the last failure, is thrown unchanged.
 */
export async function withRetry<T>(policy: RetryPolicy, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof CloudError) || attempt >= policy.attempts) throw e;
      if (e.kind !== "retryable" && e.kind !== "throttled") throw e;
      if (e.kind === "throttled" && e.retryAfterMs !== undefined) {
        if (e.retryAfterMs > policy.maxRetryAfterMs) throw e;
        await sleep(e.retryAfterMs);
        continue;
      }
      const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      await sleep(Math.random() * cap);
    }
  }
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The usual HTTP status → kind table shared by the clouds; callers special-case their own codes first. */
export function kindForStatus(status: number | undefined): CloudError["kind"] {
  if (status === undefined) return "retryable"; // no response at all: reset, refused, timeout
  if (status === 429) return "throttled";
  if (status === 408 || status >= 500) return "retryable";
  if (status === 404) return "not_found";
  return "permanent";
}
