import { describe, expect, it } from "vitest";
import type { GrantOutcome } from "@/lib/grants";
import { MAX_SLEEP_MS, MIN_WAIT_MS, planNext } from "./plan";

const now = new Date("2030-01-01T00:00:00.000Z");
const base: GrantOutcome = {
  id: "g1",
  status: "active",
  expiresAt: null,
  attempts: 0,
  nextAttemptAt: null,
  lastError: null,
};
const plus = (ms: number) => new Date(now.getTime() + ms).toISOString();

describe("planNext", () => {
  it("sleeps an active grant until its expiry", () => {
    const out = planNext({ ...base, expiresAt: plus(3600_000) }, now);
    expect(out).toEqual({
      grantId: "g1",
      status: "active",
      expiresAt: plus(3600_000),
      attempts: 0,
      next: { action: "revoke", at: plus(3600_000) },
    });
  });

  it("caps a long sleep (the loop re-reads and sleeps again) and never wakes sooner than MIN_WAIT_MS", () => {
    expect(planNext({ ...base, expiresAt: plus(30 * 86400_000) }, now).next).toEqual({
      action: "revoke",
      at: plus(MAX_SLEEP_MS),
    });
    expect(planNext({ ...base, expiresAt: plus(10) }, now).next).toEqual({
      action: "revoke",
      at: plus(MIN_WAIT_MS),
    });
    expect(planNext({ ...base, expiresAt: null }, now).next).toEqual({
      action: "revoke",
      at: plus(MAX_SLEEP_MS),
    });
  });

  it("retries provisioning and revocations at the verb's retry time", () => {
    expect(planNext({ ...base, status: "provisioning", nextAttemptAt: plus(8_000) }, now).next).toEqual({
      action: "provision",
      at: plus(8_000),
    });
    for (const status of ["revoking", "revoke_stuck"] as const) {
      expect(planNext({ ...base, status, nextAttemptAt: plus(60_000) }, now).next).toEqual({
        action: "revoke",
        at: plus(60_000),
      });
      expect(planNext({ ...base, status, nextAttemptAt: null }, now).next).toEqual({
        action: "revoke",
        at: plus(MIN_WAIT_MS),
      });
    }
  });

  it("stops at terminal statuses", () => {
    expect(planNext({ ...base, status: "revoked" }, now).next).toEqual({ action: "done" });
    expect(planNext({ ...base, status: "failed" }, now).next).toEqual({ action: "done" });
  });
});
