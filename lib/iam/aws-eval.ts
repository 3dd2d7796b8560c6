/**
 * An independent AWS IAM policy evaluator, an oracle for the documents Elevate builds: it follows the AWS
 * documentation, not Elevate's code. Identity-based policies of one principal and role trust policies only
 * (no SCPs, permission boundaries, session policies or other resource policies).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 */
import {
  arnLike,
  evaluateCondition,
  type Lookup,
  splitArn,
  substituteVariables,
} from "@/lib/iam/aws-conditions";
import { globMatch } from "@/lib/iam/glob";

export type AwsPolicyDocument = { Version?: string; Statement: unknown };
export type AwsRequest = {
  action: string;
  resource: string;
  time: Date;
  context?: Record<string, string | string[]>;
  principal?: string;
};
export type AwsDecision = {
  decision: "allow" | "explicit-deny" | "implicit-deny";
  /** Sid, else the statement's index (prefixed `policy/` when several policies were given). */
  statements: string[];
  /** Statements that did not apply because they are malformed or use something unsupported, with why. */
  ignored?: string[];
};

type Outcome = { applies: boolean } | { invalid: string };
type Stmt = Record<string, unknown>;

/** Identity-based policies of one principal (Principal elements, invalid there, are ignored). */
export function evaluateAws(policies: AwsPolicyDocument[], req: AwsRequest): AwsDecision {
  return decide(policies, req, false);
}

/** A role trust policy: Principal/NotPrincipal must match `req.principal`; Resource is optional there. */
export function evaluateTrust(
  trust: AwsPolicyDocument,
  req: AwsRequest & { principal: string },
): AwsDecision {
  return decide([trust], req, true);
}

function decide(policies: AwsPolicyDocument[], req: AwsRequest, trust: boolean): AwsDecision {
  const lookup = contextLookup(req);
  const allows: string[] = [];
  const denies: string[] = [];
  const ignored: string[] = [];
  policies.forEach((policy, p) => {
    const raw = policy?.Statement;
    const list: unknown[] = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
    // Policy variables are only recognised with Version 2012-10-17; otherwise `${…}` is literal text.
    const vars = policy?.Version === "2012-10-17";
    list.forEach((s, i) => {
      const sid = isRecord(s) && typeof s.Sid === "string" && s.Sid !== "" ? s.Sid : undefined;
      const label = sid ?? (policies.length > 1 ? `${p}/${i}` : String(i));
      const out = isRecord(s) ? statementApplies(s, req, lookup, vars, trust) : { invalid: "not an object" };
      if ("invalid" in out) ignored.push(`${label}: ${out.invalid}`);
      else if (out.applies) ((s as Stmt).Effect === "Deny" ? denies : allows).push(label);
    });
  });
  const extra = ignored.length > 0 ? { ignored } : {};
  if (denies.length > 0) return { decision: "explicit-deny", statements: denies, ...extra };
  if (allows.length > 0) return { decision: "allow", statements: allows, ...extra };
  return { decision: "implicit-deny", statements: [], ...extra };
}

const isRecord = (v: unknown): v is Stmt => typeof v === "object" && v !== null && !Array.isArray(v);

/** A string or a non-empty array of strings, else null (an invalid element). */
function strings(v: unknown): string[] | null {
  if (typeof v === "string") return [v];
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "string")) return v;
  return null;
}

/** Exactly one of `name` / `Not<name>`: which one and its values, or why the statement is invalid. */
function pair(s: Stmt, name: string, required: boolean): { not: boolean; values: string[] | null } | string {
  const has = s[name] !== undefined;
  const hasNot = s[`Not${name}`] !== undefined;
  if (has && hasNot) return `both ${name} and Not${name}`;
  if (!has && !hasNot) return required ? `neither ${name} nor Not${name}` : { not: false, values: null };
  const values = strings(has ? s[name] : s[`Not${name}`]);
  return values ? { not: hasNot, values } : `${name} must be a string or a list of strings`;
}

function statementApplies(s: Stmt, req: AwsRequest, lookup: Lookup, vars: boolean, trust: boolean): Outcome {
  if (s.Effect !== "Allow" && s.Effect !== "Deny") return { invalid: "Effect must be Allow or Deny" };
  const action = pair(s, "Action", true);
  if (typeof action === "string") return { invalid: action };
  const resource = pair(s, "Resource", !trust);
  if (typeof resource === "string") return { invalid: resource };
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
  // Action names are case-insensitive (`s3:getobject` = `s3:GetObject`) and may contain `-`.
  const actionHit = action.values!.some((a) => globMatch(a, req.action, { ignoreCase: true }));
  let applies = actionHit !== action.not;
  if (resource.values) {
    const hit = resource.values.some((r) => resourceMatches(r, req.resource, lookup, vars));
    applies &&= hit !== resource.not;
  }
  if (trust) {
    const principal = principalApplies(s, req.principal ?? "");
    if (typeof principal === "string") return { invalid: principal };
    applies &&= principal;
  }
  const cond = evaluateCondition(s.Condition, lookup, vars);
  if (!cond.ok) return { invalid: cond.reason };
  return { applies: applies && cond.matches };
}

/** A Resource entry; an unresolvable policy variable means this entry matches nothing. */
function resourceMatches(pattern: string, resource: string, lookup: Lookup, vars: boolean): boolean {
  const resolved = vars ? substituteVariables(pattern, lookup, true) : pattern;
  return resolved !== null && arnLike(resolved, resource);
}

/**
 * Principal / NotPrincipal of a trust policy. `"*"` and `{AWS: "*"}` match anyone; an account id or
 * `arn:…:iam::ACCOUNT:root` matches every principal of that account; other ARNs match exactly (no
 * wildcards), and a role ARN also matches that role's sessions (`arn:…:sts::ACCOUNT:assumed-role/NAME/…`).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 */
function principalApplies(s: Stmt, caller: string): boolean | string {
  const has = s.Principal !== undefined;
  const hasNot = s.NotPrincipal !== undefined;
  if (has === hasNot) return "a trust policy statement needs exactly one of Principal and NotPrincipal";
  const el = has ? s.Principal : s.NotPrincipal;
  let hit: boolean;
  if (el === "*") hit = true;
  else if (isRecord(el)) {
    hit = false;
    for (const [type, v] of Object.entries(el)) {
      const values = strings(v);
      if (!values) return `Principal ${type} must be a string or a list of strings`;
      hit ||= values.some((p) => (type === "AWS" ? awsPrincipalMatches(p, caller) : p === caller));
    }
  } else return 'Principal must be "*" or an object';
  return hit !== hasNot;
}

function awsPrincipalMatches(p: string, caller: string): boolean {
  if (p === "*" || p === caller) return true;
  const c = splitArn(caller);
  if (!c) return false;
  if (/^\d{12}$/.test(p)) return c[4] === p;
  const a = splitArn(p);
  if (!a || a[0] !== c[0] || a[1] !== c[1] || a[4] !== c[4]) return false;
  if (a[2] === "iam" && a[5] === "root") return true;
  if (a[2] !== "iam" || c[2] !== "sts" || !a[5].startsWith("role/")) return false;
  const roleName = a[5].slice(a[5].lastIndexOf("/") + 1); // role paths are not in session ARNs
  const session = c[5].split("/");
  return session.length === 3 && session[0] === "assumed-role" && session[1] === roleName;
}

/**
 * Context keys are case-insensitive. `aws:CurrentTime` and `aws:EpochTime` always come from `req.time`;
 * `aws:PrincipalArn` is taken from the context only (a session's PrincipalArn is its role, not the session).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
 */
function contextLookup(req: AwsRequest): Lookup {
  const map = new Map<string, string[]>();
  for (const [k, v] of Object.entries(req.context ?? {}))
    map.set(k.toLowerCase(), Array.isArray(v) ? v : [v]);
  map.set("aws:currenttime", [req.time.toISOString()]);
  map.set("aws:epochtime", [String(Math.floor(req.time.getTime() / 1000))]);
  return (key) => map.get(key.toLowerCase());
}
