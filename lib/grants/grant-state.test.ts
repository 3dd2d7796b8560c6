import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { GrantStatus } from "@/db/schema";
import { GRANT_STATUSES, GRANT_TERMINAL, type GrantEvent, grantTransition } from "./grant-state";

// Compile-time proof that the status list is complete: a missing status makes this `true` fail.
const grantStatusesComplete: [Exclude<GrantStatus, (typeof GRANT_STATUSES)[number]>] extends [never]
  ? true
  : false = true;

const x = null; // refused
const GRANT_EVENTS: GrantEvent["type"][] = [
  "start",
  "activated",
  "provision_failed",
  "revoke",
  "revoked",
  "revoke_failed",
];

const GRANT_TABLE: Record<GrantStatus, Record<GrantEvent["type"], GrantStatus | null>> = {
  //             start            activated  provision_failed revoke       revoked    revoke_failed
  scheduled: {
    start: "provisioning",
    activated: x,
    provision_failed: "failed",
    revoke: "revoking",
    revoked: x,
    revoke_failed: x,
  },
  provisioning: {
    start: x,
    activated: "active",
    provision_failed: "failed",
    revoke: "revoking",
    revoked: x,
    revoke_failed: x,
  },
  active: { start: x, activated: x, provision_failed: x, revoke: "revoking", revoked: x, revoke_failed: x },
  revoking: {
    start: x,
    activated: x,
    provision_failed: x,
    revoke: x,
    revoked: "revoked",
    revoke_failed: "revoke_stuck",
  },
  revoke_stuck: {
    start: x,
    activated: x,
    provision_failed: x,
    revoke: x,
    revoked: "revoked",
    revoke_failed: x,
  },
  revoked: { start: x, activated: x, provision_failed: x, revoke: x, revoked: x, revoke_failed: x },
  failed: { start: x, activated: x, provision_failed: x, revoke: x, revoked: x, revoke_failed: x },
};

function outcome<S>(t: { ok: true; to: S } | { ok: false; reason: string }): S | null {
  if (!t.ok) expect(t.reason.length).toBeGreaterThan(0);
  return t.ok ? t.to : null;
}

describe("grantTransition table", () => {
  it("lists every status", () => {
    expect(grantStatusesComplete).toBe(true);
    expect(new Set(GRANT_STATUSES).size).toBe(7);
  });
  const cases = GRANT_STATUSES.flatMap((from) =>
    GRANT_EVENTS.map((type) => ({ from, type, expected: GRANT_TABLE[from][type] })),
  );
  it.each(cases)("$from + $type → $expected", ({ from, type, expected }) => {
    expect(outcome(grantTransition(from, { type } as GrantEvent))).toBe(expected);
  });
  it("marks exactly revoked and failed terminal", () => {
    expect([...GRANT_TERMINAL].sort()).toEqual(["failed", "revoked"]);
  });
});

describe("grant properties", () => {
  const grantEventArb = fc.constantFrom(...GRANT_EVENTS).map((type) => ({ type }) as GrantEvent);

  it("reaches active only from provisioning, and terminal states stay terminal", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...GRANT_STATUSES),
        fc.array(grantEventArb, { maxLength: 40 }),
        (start, events) => {
          let status: GrantStatus = start;
          for (const event of events) {
            const wasTerminal = GRANT_TERMINAL.has(status);
            const t = grantTransition(status, event);
            if (wasTerminal) expect(t.ok).toBe(false);
            if (t.ok) {
              if (t.to === "active") expect(status).toBe("provisioning");
              status = t.to;
            }
          }
        },
      ),
    );
  });
});
