import type { Ctx } from "@/lib/ctx";
import { env } from "@/lib/env";
import { RateLimited } from "@/lib/errors";
import { consumeRateLimit, type RateLimitRule } from "./consume";

type Db = Ctx["db"];

const MINUTE = 60;
const HOUR = 3600;

/**
 * The write limits (docs/security.md, "Rate limits"), configurable through ELEVATE_RATE_LIMIT_*. Each
 * names its bucket by what is limited and for whom, so one user's buckets never touch another's.
 */
export const RATE_LIMITS = {
  submitPerUser: (userId: string): RateLimitRule => ({
    key: `submit:user:${userId}`,
    limit: env().ELEVATE_RATE_LIMIT_SUBMIT_PER_MINUTE,
    windowSeconds: MINUTE,
  }),
  submitPerToken: (tokenId: string): RateLimitRule => ({
    key: `submit:token:${tokenId}`,
    limit: env().ELEVATE_RATE_LIMIT_SUBMIT_PER_MINUTE,
    windowSeconds: MINUTE,
  }),
  decidePerUser: (userId: string): RateLimitRule => ({
    key: `decide:user:${userId}`,
    limit: env().ELEVATE_RATE_LIMIT_DECIDE_PER_MINUTE,
    windowSeconds: MINUTE,
  }),
  tokenCreatePerUser: (userId: string): RateLimitRule => ({
    key: `token-create:user:${userId}`,
    limit: env().ELEVATE_RATE_LIMIT_TOKENS_PER_HOUR,
    windowSeconds: HOUR,
  }),
  demoSignInPerAddress: (address: string): RateLimitRule => ({
    key: `demo-signin:addr:${address}`,
    limit: env().ELEVATE_RATE_LIMIT_DEMO_SIGNIN_PER_MINUTE,
    windowSeconds: MINUTE,
  }),
};

/** Counts a hit on each rule in turn; the first one over its limit throws 429 `rate_limited`. */
export async function enforceRateLimits(db: Db, rules: RateLimitRule[]): Promise<void> {
  for (const rule of rules) {
    const r = await consumeRateLimit(db, rule);
    if (!r.ok) throw RateLimited(r.retryAfterSeconds);
  }
}

/** A person's limits, plus the token's own when they act through an API token. */
export function personRules(
  actor: { userId: string; tokenId?: string },
  perUser: (id: string) => RateLimitRule,
  perToken?: (id: string) => RateLimitRule,
): RateLimitRule[] {
  return [perUser(actor.userId), ...(perToken && actor.tokenId ? [perToken(actor.tokenId)] : [])];
}
