/**
 * Condition-block, ARN and policy-variable semantics for the independent AWS IAM evaluator (aws-eval.ts),
 * written from the AWS documentation, not from Elevate's document builders. Pure: no I/O, no clock, and
 * never a RegExp built from policy or request text — wildcards go through the linear `globMatch`.
 */
import { globMatch } from "@/lib/iam/glob";

/** Request-context values by key; key names are matched case-insensitively by the caller's lookup. */
export type Lookup = (key: string) => string[] | undefined;
export type ConditionResult = { ok: true; matches: boolean } | { ok: false; reason: string };

/**
 * ARN match for Resource/NotResource/Arn*: partition, service, region and account each alone (a `*` never
 * spans their colons), the resource part whole (`*` spans `/` and `:`); case-sensitive. So S3's empty region
 * and account miss a literal account; a truncated pattern's trailing `*` covers the rest, as the page says.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
 */
export function arnLike(pattern: string, arn: string): boolean {
  if (pattern === "*") return true;
  const t = splitArn(arn);
  if (!t) return globMatch(pattern, arn); // "*" as a request resource, or a non-ARN value
  const p = pattern.split(":");
  if (p.length < 6) {
    const last = p[p.length - 1];
    if (p.length < 2 || !last.endsWith("*")) return false;
    const head = p.slice(0, -1).every((seg, i) => globMatch(seg, t[i]));
    return head && globMatch(last, t.slice(p.length - 1).join(":"));
  }
  const pp = [...p.slice(0, 5), p.slice(5).join(":")];
  return pp.every((seg, i) => globMatch(seg, t[i]));
}

/** `arn:partition:service:region:account:resource` → six parts (the resource keeps its colons), else null. */
export function splitArn(arn: string): string[] | null {
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return null;
  return [...parts.slice(0, 5), parts.slice(5).join(":")];
}

/**
 * Substitutes `${key}`, `${key, 'default'}` and `${$}`; null when a variable has no single value and no
 * default (the element then matches nothing, per "Policy variables with no value"). `${*}`/`${?}` and values
 * holding `*`/`?` in a wildcard context cannot be expressed as literals with `globMatch`: also null.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 */
export function substituteVariables(text: string, lookup: Lookup, forGlob: boolean): string | null {
  let out = "";
  let i = 0;
  for (;;) {
    const start = text.indexOf("${", i);
    const end = start < 0 ? -1 : text.indexOf("}", start);
    if (end < 0) return out + text.slice(i);
    const value = resolveVariable(text.slice(start + 2, end), lookup);
    if (value === null || (forGlob && (value.includes("*") || value.includes("?")))) return null;
    out += text.slice(i, start) + value;
    i = end + 1;
  }
}

function resolveVariable(inner: string, lookup: Lookup): string | null {
  const comma = inner.indexOf(",");
  const name = (comma < 0 ? inner : inner.slice(0, comma)).trim();
  if (name === "$") return "$";
  if (name === "*" || name === "?") return null;
  const found = lookup(name);
  if (found && found.length === 1) return found[0];
  if (comma < 0) return null; // missing or multivalued keys cannot be substituted
  const dflt = inner.slice(comma + 1).trim();
  if (dflt.length < 2 || !dflt.startsWith("'") || !dflt.endsWith("'")) return null;
  return dflt.slice(1, -1).replaceAll("''", "'");
}

/** ISO 8601 (UTC when no zone is given) or epoch seconds, as milliseconds; NaN when malformed. */
export function parseAwsDate(s: string): number {
  if (/^\d{1,12}$/.test(s)) return Number(s) * 1000;
  const iso = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(s);
  if (!iso) return Number.NaN;
  return Date.parse(s.includes("T") && !iso[1] ? `${s}Z` : s);
}

const num = (s: string) => (s.trim() === "" ? Number.NaN : Number(s));
const cmp = (parse: (s: string) => number, ok: (d: number) => boolean) => (req: string, pol: string) => {
  const a = parse(req);
  const b = parse(pol);
  return Number.isFinite(a) && Number.isFinite(b) && ok(a - b);
};

type Base = { test: (req: string, pol: string) => boolean; vars?: "literal" | "glob" };
/** Positive operators; each negated one (StringNotEquals, …) is NOT of its positive twin. */
const BASE: Record<string, Base> = {
  StringEquals: { test: (a, b) => a === b, vars: "literal" },
  StringEqualsIgnoreCase: { test: (a, b) => a.toLowerCase() === b.toLowerCase(), vars: "literal" },
  StringLike: { test: (a, b) => globMatch(b, a), vars: "glob" },
  ArnEquals: { test: (a, b) => arnLike(b, a), vars: "glob" },
  ArnLike: { test: (a, b) => arnLike(b, a), vars: "glob" },
  NumericEquals: { test: cmp(num, (d) => d === 0) },
  NumericLessThan: { test: cmp(num, (d) => d < 0) },
  NumericLessThanEquals: { test: cmp(num, (d) => d <= 0) },
  NumericGreaterThan: { test: cmp(num, (d) => d > 0) },
  NumericGreaterThanEquals: { test: cmp(num, (d) => d >= 0) },
  DateEquals: { test: cmp(parseAwsDate, (d) => d === 0) },
  DateLessThan: { test: cmp(parseAwsDate, (d) => d < 0) },
  DateLessThanEquals: { test: cmp(parseAwsDate, (d) => d <= 0) },
  DateGreaterThan: { test: cmp(parseAwsDate, (d) => d > 0) },
  DateGreaterThanEquals: { test: cmp(parseAwsDate, (d) => d >= 0) },
  Bool: { test: (a, b) => a.toLowerCase() === b.toLowerCase() },
};
const NEGATED: Record<string, string> = {
  StringNotEquals: "StringEquals",
  StringNotEqualsIgnoreCase: "StringEqualsIgnoreCase",
  StringNotLike: "StringLike",
  ArnNotEquals: "ArnEquals",
  ArnNotLike: "ArnLike",
  NumericNotEquals: "NumericEquals",
  DateNotEquals: "DateEquals",
};

/** Policy condition values may be strings, numbers or booleans, alone or in an array. */
function policyValues(v: unknown): string[] | null {
  const list = Array.isArray(v) ? v : [v];
  const out: string[] = [];
  for (const x of list) {
    if (typeof x === "string") out.push(x);
    else if (typeof x === "number" || typeof x === "boolean") out.push(String(x));
    else return null;
  }
  return out;
}

/**
 * The Condition block: operators AND, keys AND, values of one key OR (NOR for negated operators). A missing
 * key makes the test false, negated operators true, `…IfExists` true; `ForAllValues:` is true and
 * `ForAnyValue:` false on a missing or empty key. Unknown operators are reported, not guessed.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html
 */
export function evaluateCondition(block: unknown, lookup: Lookup, substitute: boolean): ConditionResult {
  if (block === undefined) return { ok: true, matches: true };
  if (typeof block !== "object" || block === null || Array.isArray(block))
    return { ok: false, reason: "Condition is not an object" };
  let all = true;
  for (const [operator, keys] of Object.entries(block)) {
    if (typeof keys !== "object" || keys === null || Array.isArray(keys))
      return { ok: false, reason: `${operator} does not map keys to values` };
    for (const [key, raw] of Object.entries(keys)) {
      const values = policyValues(raw);
      if (!values) return { ok: false, reason: `${operator} ${key}: values must be strings` };
      const r = evaluateOne(operator, key, values, lookup, substitute);
      if (!r.ok) return r;
      all &&= r.matches; // keep going so an unsupported operator later in the block is still reported
    }
  }
  return { ok: true, matches: all };
}

function evaluateOne(op: string, key: string, pol: string[], lookup: Lookup, sub: boolean): ConditionResult {
  let name = op;
  let set: "any" | "all" | null = null;
  if (name.startsWith("ForAnyValue:")) [set, name] = ["any", name.slice("ForAnyValue:".length)];
  else if (name.startsWith("ForAllValues:")) [set, name] = ["all", name.slice("ForAllValues:".length)];
  const ifExists = name.endsWith("IfExists");
  if (ifExists) name = name.slice(0, -"IfExists".length);
  const found = lookup(key);
  const present = found !== undefined && found.length > 0;
  if (name === "Null" && !set && !ifExists) {
    // {"key": "true"} holds when the key is absent, "false" when it is present.
    return { ok: true, matches: pol.some((v) => v.toLowerCase() === (present ? "false" : "true")) };
  }
  const negated = name in NEGATED;
  const base = BASE[negated ? NEGATED[name] : name];
  if (!base) return { ok: false, reason: `unsupported condition operator ${op}` };
  if (!present) return { ok: true, matches: ifExists || set === "all" || (set === null && negated) };
  const patterns = pol.map((v) =>
    sub && base.vars ? substituteVariables(v, lookup, base.vars === "glob") : v,
  );
  const hit = (v: string) => patterns.some((p) => p !== null && base.test(v, p));
  const one = (v: string) => (negated ? !hit(v) : hit(v));
  if (set === "all") return { ok: true, matches: found.every(one) };
  if (set === "any") return { ok: true, matches: found.some(one) };
  // A plain operator on a multivalued request key: true when any value matches (negated: when none does).
  const any = found.some(hit);
  return { ok: true, matches: negated ? !any : any };
}
