import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PolicyDecision, PolicyDocument, PolicyRule } from "@/db/schema";
import { CLOUDS, RISKS } from "@/db/schema/enums";
import { DEFAULT_DECISION, DEFAULT_POLICY_DOCUMENT } from "../default";
import {
  atLeastAsStrict,
  autoApproval,
  evaluate,
  evaluateTarget,
  inBusinessHours,
  normalise,
  type RequestFacts,
  strictest,
} from "../evaluate";
import { validateDocument } from "../schema";

// Property tests run under the suite's fixed seed (lib/testing/fast-check-seed.ts).

const groupName = fc.constantFrom("approvers", "platform", "security", "db-owners", "$owners");
const hours = fc.record({
  timeZone: fc.constantFrom("UTC", "Europe/Paris", "America/New_York"),
  days: fc.constant<number[]>([1, 2, 3, 4, 5]),
  start: fc.constantFrom("08:00", "09:00"),
  end: fc.constantFrom("17:00", "18:00"),
});
const auto = fc.option(
  fc.record(
    {
      maxRisk: fc.constantFrom(...RISKS),
      onCall: fc.boolean(),
      businessHours: fc.array(hours, { maxLength: 2 }),
    },
    { requiredKeys: [] },
  ),
  { nil: null },
);
const decision: fc.Arbitrary<PolicyDecision> = fc.record({
  deny: fc.boolean(),
  approverGroups: fc.uniqueArray(groupName, { minLength: 1, maxLength: 3 }),
  approvalsRequired: fc.integer({ min: 1, max: 5 }),
  maxDurationSeconds: fc.integer({ min: 60, max: 86_400 }),
  justificationRequired: fc.boolean(),
  ticketRequired: fc.boolean(),
  ticketPatterns: fc.uniqueArray(fc.constantFrom("https://t.example/INC-*", "*JIRA*"), { maxLength: 2 }),
  autoApprove: auto,
  extensions: fc.record({ autoUpToSeconds: fc.integer({ min: 0, max: 86_400 }) }),
  breakGlass: fc.record({
    allowed: fc.boolean(),
    maxDurationSeconds: fc.integer({ min: 60, max: 7200 }),
    reviewWithinSeconds: fc.integer({ min: 60, max: 86_400 }),
  }),
  stepUp: fc.boolean(),
});
const TARGETS = ["00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"];
const facts: fc.Arbitrary<RequestFacts> = fc.record({
  targetId: fc.constantFrom(...TARGETS),
  cloud: fc.constantFrom(...CLOUDS),
  tags: fc.uniqueArray(fc.constantFrom("pci", "prod", "db"), { maxLength: 3 }),
  environment: fc.constantFrom("prod", "staging", null),
  ownerGroup: fc.constantFrom("db-owners", null),
  templateKey: fc.constantFrom("vm.ssh", "logs.read", null),
  risk: fc.constantFrom(...RISKS),
  requesterGroups: fc.uniqueArray(fc.constantFrom("engineering", "sre", "contractors"), { maxLength: 3 }),
});
const rule = (i: number): fc.Arbitrary<PolicyRule> =>
  fc.record({
    id: fc.constant(`r${i}`),
    match: fc.record(
      {
        targetIds: fc.subarray(TARGETS, { minLength: 1 }),
        targetTags: fc.subarray(["pci", "prod", "db"], { minLength: 1 }),
        environments: fc.subarray(["prod", "staging"], { minLength: 1 }),
        clouds: fc.subarray([...CLOUDS], { minLength: 1 }),
        risks: fc.subarray([...RISKS], { minLength: 1 }),
        requesterGroups: fc.subarray(["engineering", "sre", "contractors"], { minLength: 1 }),
      },
      { requiredKeys: [] },
    ),
    decide: decision.chain((d) =>
      fc
        .subarray(Object.keys(d) as (keyof PolicyDecision)[])
        .map((keys) => Object.fromEntries(keys.map((k) => [k, d[k]]))),
    ),
  });
const rules = fc
  .integer({ min: 0, max: 6 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => rule(i))));
const doc = fc.tuple(decision, rules).map(
  ([defaults, rs]): PolicyDocument => ({
    schemaVersion: 2,
    pendingTimeoutSeconds: 3600,
    defaults,
    rules: rs,
  }),
);

describe("strictest (how decisions combine)", () => {
  it("is commutative, associative and idempotent (order of rules and targets never matters)", () => {
    fc.assert(
      fc.property(decision, decision, decision, (a, b, c) => {
        expect(strictest(a, b)).toEqual(strictest(b, a));
        expect(strictest(strictest(a, b), c)).toEqual(strictest(a, strictest(b, c)));
        expect(strictest(a, a)).toEqual(normalise(a));
      }),
    );
  });

  it("is at least as strict as each side, and the greatest such decision is itself", () => {
    fc.assert(
      fc.property(decision, decision, (a, b) => {
        const m = strictest(a, b);
        expect(atLeastAsStrict(m, a)).toBe(true);
        expect(atLeastAsStrict(m, b)).toBe(true);
      }),
    );
  });
});

describe("evaluate", () => {
  it("the document's rule order does not change the decision", () => {
    fc.assert(
      fc.property(doc, facts, (d, f) => {
        const reversed = { ...d, rules: [...d.rules].reverse() };
        expect(evaluateTarget(reversed, f).decision).toEqual(evaluateTarget(d, f).decision);
      }),
    );
  });

  it("a rule that matches nothing changes nothing", () => {
    fc.assert(
      fc.property(doc, facts, decision, (d, f, any) => {
        const never: PolicyRule = {
          id: "never",
          match: { targetIds: ["00000000-0000-4000-8000-00000000ffff"] },
          decide: any,
        };
        expect(evaluateTarget({ ...d, rules: [...d.rules, never] }, f)).toEqual(evaluateTarget(d, f));
      }),
    );
  });

  it("adding a matching rule never loosens what the matched rules already decided (two rules only tighten)", () => {
    fc.assert(
      fc.property(doc, facts, decision, (d, f, extra) => {
        // Give the base a catch-all rule deciding every field, so nothing falls back to the defaults.
        const base = { ...d, rules: [{ id: "all", match: {}, decide: d.defaults }, ...d.rules] };
        const more = { ...base, rules: [...base.rules, { id: "extra", match: {}, decide: extra }] };
        const before = evaluateTarget(base, f).decision;
        const after = evaluateTarget(more, f).decision;
        expect(atLeastAsStrict(after, before)).toBe(true);
      }),
    );
  });

  it("multi-target: the request's decision is at least as strict as each target's", () => {
    fc.assert(
      fc.property(doc, fc.array(facts, { minLength: 1, maxLength: 4 }), (d, fs) => {
        const all = evaluate(d, fs).decision;
        for (const f of fs) expect(atLeastAsStrict(all, evaluateTarget(d, f).decision)).toBe(true);
      }),
    );
  });

  it("without rules the defaults decide, as before the policy engine", () => {
    const f: RequestFacts = {
      targetId: TARGETS[0],
      cloud: "aws",
      tags: [],
      environment: null,
      ownerGroup: null,
      templateKey: "vm.ssh",
      risk: "high",
      requesterGroups: ["engineering"],
    };
    expect(evaluate(DEFAULT_POLICY_DOCUMENT, [f])).toEqual({
      ruleIds: [],
      decision: normalise(DEFAULT_DECISION),
      denyReasons: [],
    });
  });

  it("a rule loosens a default; $owners names the target's owners; a target without owners is refused", () => {
    const d = validateDocument({
      ...DEFAULT_POLICY_DOCUMENT,
      rules: [
        {
          id: "prod-db",
          match: { environments: ["prod"], targetTags: ["db"] },
          decide: { approverGroups: ["$owners"], approvalsRequired: 2 },
        },
        { id: "sre-long", match: { requesterGroups: ["sre"] }, decide: { maxDurationSeconds: 12 * 3600 } },
      ],
    });
    const prodDb: RequestFacts = {
      targetId: TARGETS[0],
      cloud: "gcp",
      tags: ["db"],
      environment: "prod",
      ownerGroup: "db-owners",
      templateKey: null,
      risk: "medium",
      requesterGroups: ["sre"],
    };
    const r = evaluate(d, [prodDb]);
    expect(r.ruleIds).toEqual(["prod-db", "sre-long"]);
    expect(r.decision).toMatchObject({
      approverGroups: ["db-owners"],
      approvalsRequired: 2,
      maxDurationSeconds: 12 * 3600,
    });
    const orphan = evaluate(d, [{ ...prodDb, ownerGroup: null }]);
    expect(orphan.decision.deny).toBe(true);
    expect(orphan.denyReasons[0]).toContain("no owner group");
    // Multi-target: the prod database and a staging target: both rule sets apply, the stricter wins.
    const both = evaluate(d, [
      prodDb,
      { ...prodDb, targetId: TARGETS[1], environment: "staging", tags: [], requesterGroups: [] },
    ]);
    expect(both.decision).toMatchObject({
      approverGroups: ["approvers", "db-owners"],
      approvalsRequired: 2,
      maxDurationSeconds: 8 * 3600,
    });
  });
});

describe("automatic approval", () => {
  const now = new Date("2026-12-02T10:30:00Z"); // a Wednesday
  it("holds only when every condition holds", async () => {
    const onCall = async () => true;
    expect(await autoApproval({ maxRisk: "low" }, { now, risk: "low", onCall })).toEqual(["risk low ≤ low"]);
    expect(await autoApproval({ maxRisk: "low" }, { now, risk: "medium", onCall })).toBeNull();
    expect(await autoApproval({ onCall: true }, { now, risk: "high", onCall: async () => false })).toBeNull();
    expect(await autoApproval(null, { now, risk: "low", onCall })).toBeNull();
    expect(await autoApproval({}, { now, risk: "high", onCall })).toEqual(["always"]);
  });

  it("business hours are read in the rule's time zone (the platform's Intl tz database is the oracle)", () => {
    const paris = { timeZone: "Europe/Paris", days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00" };
    // 10:30 UTC in December is 11:30 in Paris (CET, UTC+1) and 05:30 in New York (EST, UTC-5).
    expect(inBusinessHours(paris, now)).toBe(true);
    expect(inBusinessHours({ ...paris, timeZone: "America/New_York" }, now)).toBe(false);
    // 16:30 UTC is 17:30 in Paris: past the end.
    expect(inBusinessHours(paris, new Date("2026-12-02T16:30:00Z"))).toBe(false);
    // Saturday.
    expect(inBusinessHours(paris, new Date("2026-12-05T10:30:00Z"))).toBe(false);
  });
});
