import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backoffMs, PROVISION_BACKOFF, REVOKE_BACKOFF } from "./backoff";

describe("backoffMs", () => {
  it("doubles per attempt within the jitter band and stops at the cap", () => {
    const low = () => 0;
    const high = () => 1;
    expect(backoffMs(1, { ...REVOKE_BACKOFF, random: low })).toBe(500);
    expect(backoffMs(1, { ...REVOKE_BACKOFF, random: high })).toBe(1000);
    expect(backoffMs(3, { ...REVOKE_BACKOFF, random: high })).toBe(4000);
    expect(backoffMs(30, { ...REVOKE_BACKOFF, random: high })).toBe(REVOKE_BACKOFF.capMs);
  });

  it("never retries sooner than the cloud's retry-after", () => {
    expect(backoffMs(1, { ...PROVISION_BACKOFF, retryAfterMs: 45_000, random: () => 0.5 })).toBe(45_000);
  });

  it("stays within [exp/2, cap] for any attempt and jitter", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (n, r) => {
          const d = backoffMs(n, { ...PROVISION_BACKOFF, random: () => r });
          const exp = Math.min(PROVISION_BACKOFF.capMs, PROVISION_BACKOFF.baseMs * 2 ** (n - 1));
          return d >= Math.floor(exp / 2) && d <= PROVISION_BACKOFF.capMs;
        },
      ),
    );
  });
});
