import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RequestStatus } from "@/db/schema";
import {
  REQUEST_STATUSES,
  REQUEST_TABLE,
  REQUEST_TERMINAL,
  type RequestEvent,
  requestAccepts,
  requestTransition,
} from "./request-state";

// Compile-time proof that the status list is complete: a missing status makes this `true` fail.
const requestStatusesComplete: [Exclude<RequestStatus, (typeof REQUEST_STATUSES)[number]>] extends [never]
  ? true
  : false = true;

const x = null; // refused
/** Request events by name, including the quorum cases of `approve`. */
const REQUEST_EVENTS: Record<string, RequestEvent> = {
  "approve 0/1": { type: "approve", approvals: 0, required: 1 },
  "approve 1/1": { type: "approve", approvals: 1, required: 1 },
  "approve 1/2": { type: "approve", approvals: 1, required: 2 },
  "approve 2/2": { type: "approve", approvals: 2, required: 2 },
  "approve 3/2": { type: "approve", approvals: 3, required: 2 },
  "approve 1/0 (invalid)": { type: "approve", approvals: 1, required: 0 },
  "approve -1/1 (invalid)": { type: "approve", approvals: -1, required: 1 },
  "approve NaN (invalid)": { type: "approve", approvals: Number.NaN, required: Number.NaN },
  deny: { type: "deny" },
  cancel: { type: "cancel" },
  lapse: { type: "lapse" },
  complete: { type: "complete" },
};

/** Expected next status (or null = refused) for every status × event, written out by hand. */
const REQUEST_EXPECTED: Record<RequestStatus, Record<keyof typeof REQUEST_EVENTS, RequestStatus | null>> = {
  pending: {
    "approve 0/1": "pending",
    "approve 1/1": "approved",
    "approve 1/2": "pending",
    "approve 2/2": "approved",
    "approve 3/2": "approved",
    "approve 1/0 (invalid)": x,
    "approve -1/1 (invalid)": x,
    "approve NaN (invalid)": x,
    deny: "denied",
    cancel: "cancelled",
    lapse: "lapsed",
    complete: x,
  },
  approved: allRefused({ complete: "completed" }),
  denied: allRefused({}),
  cancelled: allRefused({}),
  lapsed: allRefused({}),
  completed: allRefused({}),
};

function allRefused(
  except: Partial<Record<keyof typeof REQUEST_EVENTS, RequestStatus>>,
): Record<keyof typeof REQUEST_EVENTS, RequestStatus | null> {
  return Object.fromEntries(Object.keys(REQUEST_EVENTS).map((k) => [k, except[k] ?? x]));
}

const REQUEST_TABLE_EXPECTED = (from: RequestStatus, event: keyof typeof REQUEST_EVENTS) =>
  REQUEST_EXPECTED[from][event] ?? null;

function outcome<S>(t: { ok: true; to: S } | { ok: false; reason: string }): S | null {
  if (!t.ok) expect(t.reason.length).toBeGreaterThan(0);
  return t.ok ? t.to : null;
}

describe("requestTransition table", () => {
  it("lists every status", () => {
    expect(requestStatusesComplete).toBe(true);
    expect(new Set(REQUEST_STATUSES).size).toBe(6);
  });
  const cases = REQUEST_STATUSES.flatMap((from) =>
    Object.entries(REQUEST_EVENTS).map(([name, event]) => ({
      from,
      name,
      event,
      expected: REQUEST_EXPECTED[from][name],
    })),
  );
  it.each(cases)("$from + $name → $expected", ({ from, event, expected }) => {
    expect(outcome(requestTransition(from, event))).toBe(expected);
  });
  it("marks exactly denied, cancelled, lapsed and completed terminal", () => {
    expect([...REQUEST_TERMINAL].sort()).toEqual(["cancelled", "completed", "denied", "lapsed"]);
  });
});

describe("REQUEST_TABLE", () => {
  const eventTypes = Object.keys(REQUEST_TABLE) as RequestEvent["type"][];
  /** The hand-written table above, read at the decisive (quorum met) case of each event. */
  const decisive: Record<RequestEvent["type"], keyof typeof REQUEST_EVENTS> = {
    approve: "approve 1/1",
    deny: "deny",
    cancel: "cancel",
    lapse: "lapse",
    complete: "complete",
  };

  it.each(REQUEST_STATUSES.flatMap((from) => eventTypes.map((type) => ({ from, type }))))(
    "$from accepts $type exactly where the hand-written table moves it",
    ({ from, type }) => {
      expect(requestAccepts(from, type)).toBe(REQUEST_TABLE_EXPECTED(from, decisive[type]) !== null);
      expect(REQUEST_TABLE[type][from] ?? null).toBe(REQUEST_TABLE_EXPECTED(from, decisive[type]));
    },
  );

  it("makes terminal exactly the statuses with no way out", () => {
    const withExit = new Set(eventTypes.flatMap((type) => Object.keys(REQUEST_TABLE[type])));
    expect(REQUEST_STATUSES.filter((s) => !withExit.has(s))).toEqual([...REQUEST_TERMINAL]);
  });

  it("moves only where the table allows, to the table's status or (below quorum) nowhere", () => {
    const eventArb: fc.Arbitrary<RequestEvent> = fc.oneof(
      fc.record({
        type: fc.constant("approve" as const),
        approvals: fc.integer({ min: 0, max: 6 }),
        required: fc.integer({ min: 1, max: 6 }),
      }),
      fc.constantFrom<RequestEvent>(
        { type: "deny" },
        { type: "cancel" },
        { type: "lapse" },
        { type: "complete" },
      ),
    );
    fc.assert(
      fc.property(fc.constantFrom(...REQUEST_STATUSES), eventArb, (from, event) => {
        const t = requestTransition(from, event);
        expect(t.ok).toBe(requestAccepts(from, event.type));
        if (t.ok) expect([REQUEST_TABLE[event.type][from], from]).toContain(t.to);
        if (t.ok && t.to === from)
          expect(event.type === "approve" && event.approvals < event.required).toBe(true);
      }),
    );
  });
});

/** A person-level model: approvals are counted as distinct people, as decideRequest does. */
type Act = { kind: "approve"; person: number } | { kind: "deny" | "cancel" | "lapse" | "complete" };
const actArb: fc.Arbitrary<Act> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.integer({ min: 0, max: 5 }).map((person) => ({ kind: "approve" as const, person })),
  },
  fc.constantFrom<Act>({ kind: "deny" }, { kind: "cancel" }, { kind: "lapse" }, { kind: "complete" }),
);

describe("request properties", () => {
  it("never reaches approved without at least `required` distinct approvals", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(actArb, { maxLength: 30 }), (required, acts) => {
        let status: RequestStatus = "pending";
        const approvers = new Set<number>();
        for (const act of acts) {
          let event: RequestEvent;
          if (act.kind === "approve") {
            if (status === "pending") approvers.add(act.person);
            event = { type: "approve", approvals: approvers.size, required };
          } else event = { type: act.kind };
          const t = requestTransition(status, event);
          if (t.ok) {
            if (t.to === "approved" && status !== "approved")
              expect(approvers.size).toBeGreaterThanOrEqual(required);
            status = t.to;
          }
        }
      }),
    );
  });

  it("reaches approved from an arbitrary event only when approvals ≥ required", () => {
    const eventArb: fc.Arbitrary<RequestEvent> = fc.oneof(
      fc.record({
        type: fc.constant("approve" as const),
        approvals: fc.integer({ min: -2, max: 6 }),
        required: fc.integer({ min: -1, max: 6 }),
      }),
      fc.constantFrom<RequestEvent>(
        { type: "deny" },
        { type: "cancel" },
        { type: "lapse" },
        { type: "complete" },
      ),
    );
    fc.assert(
      fc.property(fc.constantFrom(...REQUEST_STATUSES), eventArb, (from, event) => {
        const t = requestTransition(from, event);
        if (t.ok && t.to === "approved" && from !== "approved") {
          expect(event.type).toBe("approve");
          if (event.type === "approve") {
            expect(event.required).toBeGreaterThanOrEqual(1);
            expect(event.approvals).toBeGreaterThanOrEqual(event.required);
          }
        }
      }),
    );
  });

  it("keeps terminal states terminal", () => {
    fc.assert(
      fc.property(fc.array(actArb, { maxLength: 30 }), (acts) => {
        let status: RequestStatus = "pending";
        let n = 0;
        for (const act of acts) {
          const event: RequestEvent =
            act.kind === "approve" ? { type: "approve", approvals: ++n, required: 2 } : { type: act.kind };
          const wasTerminal = REQUEST_TERMINAL.has(status);
          const t = requestTransition(status, event);
          if (wasTerminal) expect(t.ok).toBe(false);
          if (t.ok) status = t.to;
        }
      }),
    );
  });
});
