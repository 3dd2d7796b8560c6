import type { AutoApprove, Cloud, PolicyDecision, PolicyDocument, PolicyRule, Risk } from "@/db/schema";
import { RISKS } from "@/db/schema/enums";
import { OWNERS, TEMPLATE_OWNERS } from "./schema";

/** What a rule can match on, for one target of one request. */
export type RequestFacts = {
  targetId: string;
  cloud: Cloud;
  tags: readonly string[];
  environment: string | null;
  /** The target's owners' group, which `$owners` stands for. */
  ownerGroup: string | null;
  templateKey: string | null;
  /** The template's owners' group, which `$templateOwners` stands for (none for explicit permissions). */
  templateOwnerGroup?: string | null;
  risk: Risk;
  requesterGroups: readonly string[];
};

export type Evaluation = {
  /** Matched rule ids, in document order (over all targets, each once). */
  ruleIds: string[];
  decision: PolicyDecision;
  /** Why the request is refused ("$owners" on a target without owners, or a deny rule). */
  denyReasons: string[];
};

const anyOf = <T>(wanted: readonly T[] | undefined, has: (v: T) => boolean) =>
  wanted === undefined || wanted.length === 0 || wanted.some(has);

/** Every condition present must hold; within one condition any listed value matches (AND of ORs). */
export function ruleMatches(rule: PolicyRule, f: RequestFacts): boolean {
  const m = rule.match;
  return (
    anyOf(m.targetIds, (id) => id === f.targetId) &&
    anyOf(m.targetTags, (t) => f.tags.includes(t)) &&
    anyOf(m.environments, (e) => e === f.environment) &&
    anyOf(m.clouds, (c) => c === f.cloud) &&
    anyOf(m.templateKeys, (k) => k === f.templateKey) &&
    anyOf(m.risks, (r) => r === f.risk) &&
    anyOf(m.requesterGroups, (g) => f.requesterGroups.includes(g))
  );
}

const riskRank = (r: Risk) => RISKS.indexOf(r);
const uniqSorted = (xs: readonly string[]) => [...new Set(xs)].sort();

function meetAuto(a: AutoApprove | null, b: AutoApprove | null): AutoApprove | null {
  if (a === null || b === null) return null;
  const out: AutoApprove = {};
  const risks = [a.maxRisk, b.maxRisk].filter((r): r is Risk => r !== undefined);
  if (risks.length > 0) out.maxRisk = risks.reduce((x, y) => (riskRank(x) <= riskRank(y) ? x : y));
  if (a.onCall || b.onCall) out.onCall = true;
  const hours = [...(a.businessHours ?? []), ...(b.businessHours ?? [])];
  if (hours.length > 0) {
    const seen = new Map(hours.map((h) => [JSON.stringify(h), h]));
    out.businessHours = [...seen.entries()].sort(([x], [y]) => (x < y ? -1 : 1)).map(([, h]) => h);
  }
  return out;
}

/**
 * The strictest of two decisions, field by field (a meet: commutative, associative, idempotent). More
 * approvals, fewer seconds, every group, every requirement, automatic only when both are and then under
 * both sets of conditions, break-glass only when both allow it.
 */
export function strictest(a: PolicyDecision, b: PolicyDecision): PolicyDecision {
  return {
    deny: a.deny || b.deny,
    approverGroups: uniqSorted([...a.approverGroups, ...b.approverGroups]),
    approvalsRequired: Math.max(a.approvalsRequired, b.approvalsRequired),
    maxDurationSeconds: Math.min(a.maxDurationSeconds, b.maxDurationSeconds),
    justificationRequired: a.justificationRequired || b.justificationRequired,
    ticketRequired: a.ticketRequired || b.ticketRequired,
    ticketPatterns: uniqSorted([...a.ticketPatterns, ...b.ticketPatterns]),
    autoApprove: meetAuto(a.autoApprove, b.autoApprove),
    extensions: { autoUpToSeconds: Math.min(a.extensions.autoUpToSeconds, b.extensions.autoUpToSeconds) },
    breakGlass: {
      allowed: a.breakGlass.allowed && b.breakGlass.allowed,
      maxDurationSeconds: Math.min(a.breakGlass.maxDurationSeconds, b.breakGlass.maxDurationSeconds),
      reviewWithinSeconds: Math.min(a.breakGlass.reviewWithinSeconds, b.breakGlass.reviewWithinSeconds),
    },
    stepUp: a.stepUp || b.stepUp,
  };
}

/** Canonical form (sorted lists), so equal decisions compare equal whatever order rules came in. */
export function normalise(d: PolicyDecision): PolicyDecision {
  return strictest(d, d);
}

/** A rule's decision completed from the defaults: fields it leaves out are the defaults'. */
function completed(defaults: PolicyDecision, partial: PolicyRule["decide"]): PolicyDecision {
  return {
    ...defaults,
    ...partial,
    breakGlass: { ...defaults.breakGlass, ...partial.breakGlass },
    extensions: partial.extensions ?? defaults.extensions,
  };
}

/**
 * One target: the matched rules combine strictest with each other; a field no matched rule decides keeps
 * the default. So a rule may loosen a default (a longer maximum for a team), but two rules that both match
 * can only tighten each other.
 */
export function evaluateTarget(doc: PolicyDocument, f: RequestFacts): Evaluation {
  const matched = doc.rules.filter((r) => ruleMatches(r, f));
  const decision = normalise(
    matched.length === 0
      ? doc.defaults
      : decidedFieldwise(
          doc.defaults,
          matched.map((r) => r.decide),
        ),
  );
  const denyReasons: string[] = [];
  if (decision.deny) {
    const by = matched.filter((r) => r.decide.deny).map((r) => r.id);
    denyReasons.push(by.length ? `refused by rule ${by.join(", ")}` : "refused by the policy's defaults");
  }
  const owners = [
    { token: OWNERS, group: f.ownerGroup, whose: "target's owners", what: "this target" },
    {
      token: TEMPLATE_OWNERS,
      group: f.templateOwnerGroup ?? null,
      whose: "template's owners",
      what: "this request's template",
    },
  ];
  for (const o of owners) {
    if (!decision.approverGroups.includes(o.token)) continue;
    if (o.group) {
      decision.approverGroups = uniqSorted(
        decision.approverGroups.map((g) => (g === o.token ? (o.group as string) : g)),
      );
    } else {
      denyReasons.push(`the policy asks the ${o.whose} to approve, and ${o.what} has no owner group`);
      decision.approverGroups = decision.approverGroups.filter((g) => g !== o.token);
      decision.deny = true;
    }
  }
  return { ruleIds: matched.map((r) => r.id), decision, denyReasons };
}

function decidedFieldwise(defaults: PolicyDecision, decides: PolicyRule["decide"][]): PolicyDecision {
  // Each field: the strictest value among the rules deciding it; the default when none does.
  const full = decides.map((d) => completed(defaults, d));
  const meetOf = (key: keyof PolicyDecision) => {
    const speaking = full.filter((_, i) => decides[i][key] !== undefined);
    return speaking.length === 0 ? defaults : speaking.reduce(strictest);
  };
  const out = { ...defaults } as Record<keyof PolicyDecision, unknown>;
  for (const key of Object.keys(defaults) as (keyof PolicyDecision)[]) out[key] = meetOf(key)[key];
  return out as PolicyDecision;
}

/** Several targets (multi-target request): each is judged alone, then the strictest combination wins. */
export function evaluate(doc: PolicyDocument, facts: readonly RequestFacts[]): Evaluation {
  if (facts.length === 0) throw new Error("evaluate: at least one target");
  const each = facts.map((f) => evaluateTarget(doc, f));
  const order = new Map(doc.rules.map((r, i) => [r.id, i]));
  const ruleIds = [...new Set(each.flatMap((e) => e.ruleIds))].sort(
    (a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0),
  );
  return {
    ruleIds,
    decision: each.map((e) => e.decision).reduce(strictest),
    denyReasons: [...new Set(each.flatMap((e) => e.denyReasons))],
  };
}

/** x is at least as strict as y on every field (what `strictest` guarantees of its result). */
export function atLeastAsStrict(x: PolicyDecision, y: PolicyDecision): boolean {
  const sub = (a: readonly string[], b: readonly string[]) => b.every((v) => a.includes(v));
  const autoOk =
    x.autoApprove === null ||
    (y.autoApprove !== null &&
      (y.autoApprove.maxRisk === undefined ||
        (x.autoApprove.maxRisk !== undefined &&
          riskRank(x.autoApprove.maxRisk) <= riskRank(y.autoApprove.maxRisk))) &&
      (!y.autoApprove.onCall || x.autoApprove.onCall === true) &&
      sub(
        (x.autoApprove.businessHours ?? []).map((h) => JSON.stringify(h)),
        (y.autoApprove.businessHours ?? []).map((h) => JSON.stringify(h)),
      ));
  return (
    (x.deny || !y.deny) &&
    sub(x.approverGroups, y.approverGroups) &&
    x.approvalsRequired >= y.approvalsRequired &&
    x.maxDurationSeconds <= y.maxDurationSeconds &&
    (x.justificationRequired || !y.justificationRequired) &&
    (x.ticketRequired || !y.ticketRequired) &&
    sub(x.ticketPatterns, y.ticketPatterns) &&
    autoOk &&
    x.extensions.autoUpToSeconds <= y.extensions.autoUpToSeconds &&
    (!x.breakGlass.allowed || y.breakGlass.allowed) &&
    x.breakGlass.maxDurationSeconds <= y.breakGlass.maxDurationSeconds &&
    x.breakGlass.reviewWithinSeconds <= y.breakGlass.reviewWithinSeconds &&
    (x.stepUp || !y.stepUp)
  );
}

/** Conditions a caller checks with the outside world (clock, on-call) before approving automatically. */
export type AutoContext = {
  now: Date;
  risk: Risk;
  /** Is the requester on call for every target's service? Asked only when a rule needs it. */
  onCall: () => Promise<boolean>;
};

/** Which conditions held, or null when the request is not automatic. */
export async function autoApproval(auto: AutoApprove | null, c: AutoContext): Promise<string[] | null> {
  if (auto === null) return null;
  const held: string[] = [];
  if (auto.maxRisk !== undefined) {
    if (riskRank(c.risk) > riskRank(auto.maxRisk)) return null;
    held.push(`risk ${c.risk} ≤ ${auto.maxRisk}`);
  }
  for (const h of auto.businessHours ?? []) {
    if (!inBusinessHours(h, c.now)) return null;
    held.push(`business hours ${h.start}-${h.end} ${h.timeZone}`);
  }
  if (auto.onCall) {
    if (!(await c.onCall())) return null;
    held.push("requester on call");
  }
  return held.length ? held : ["always"];
}

const WEEKDAY: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** Local weekday and HH:MM in the zone, by Intl (the platform's tz database), then compared as text. */
export function inBusinessHours(
  h: { timeZone: string; days: number[]; start: string; end: string },
  now: Date,
): boolean {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: h.timeZone,
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(now);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  const day = WEEKDAY[get("weekday")];
  const hhmm = `${get("hour")}:${get("minute")}`;
  return h.days.includes(day) && hhmm >= h.start && hhmm < h.end;
}
