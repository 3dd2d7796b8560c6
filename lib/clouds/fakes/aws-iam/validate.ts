import { invalidInput, limitExceeded, malformed, validationError } from "./errors";
import type { Tag } from "./state";

/** IAM's documented quotas (defaults), enforced by the fake. */
export const IAM_LIMITS = {
  managedPolicySize: 6144,
  inlineRolePolicySizeTotal: 10240,
  trustPolicySize: 2048,
  managedPoliciesPerRole: 10,
  policyVersions: 5,
  tagsPerResource: 50,
  roleName: 64,
  policyName: 128,
  path: 512,
  minSessionSeconds: 3600,
  maxSessionSeconds: 43200,
} as const;

const NAME = /^[\w+=,.@-]+$/;
const PATH = /^(\/|\/[\u0021-\u007E]+\/)$/;

/** Reads one request member; a missing required one is IAM's "must not be null" ValidationError. */
export function param(params: URLSearchParams, key: string): string {
  const v = params.get(key);
  if (v === null) throw validationError(memberName(key), null, "Member must not be null");
  return v;
}

const memberName = (key: string) => key[0].toLowerCase() + key.slice(1);

export function name(params: URLSearchParams, key: string, max: number): string {
  const v = param(params, key);
  if (v.length < 1 || v.length > max) {
    throw validationError(memberName(key), v, `Member must have length less than or equal to ${max}`);
  }
  if (!NAME.test(v)) {
    throw validationError(memberName(key), v, "Member must satisfy regular expression pattern: [\\w+=,.@-]+");
  }
  return v;
}

export function path(params: URLSearchParams, key = "Path"): string {
  const v = params.get(key) ?? "/";
  if (v.length > IAM_LIMITS.path || !PATH.test(v)) {
    throw validationError(
      memberName(key),
      v,
      "Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)",
    );
  }
  return v;
}

/** IAM does not count whitespace toward policy size quotas. */
export const policySize = (doc: string) => doc.replace(/\s/g, "").length;

/** Parses a policy document as IAM does before storing it; returns the parsed statements. */
export function policyDocument(doc: string): Record<string, unknown>[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(doc);
  } catch {
    throw malformed("Syntax errors in policy.");
  }
  if (typeof parsed !== "object" || parsed === null || !("Statement" in parsed)) {
    throw malformed("Policy document must contain a Statement.");
  }
  const raw = (parsed as { Statement: unknown }).Statement;
  const statements = Array.isArray(raw) ? raw : [raw];
  for (const s of statements) {
    if (typeof s !== "object" || s === null) throw malformed("Syntax errors in policy.");
    const effect = (s as { Effect?: unknown }).Effect;
    if (effect !== "Allow" && effect !== "Deny") throw malformed("Missing required field Effect");
  }
  return statements as Record<string, unknown>[];
}

export function managedPolicyDocument(doc: string): void {
  policyDocument(doc);
  if (policySize(doc) > IAM_LIMITS.managedPolicySize) {
    throw limitExceeded(`Cannot exceed quota for PolicySize: ${IAM_LIMITS.managedPolicySize}`);
  }
}

/** Trust policies must name principals; with a known set, unknown ones fail as IAM's do. */
export function trustPolicy(doc: string, principals: Set<string> | null): void {
  const statements = policyDocument(doc);
  if (policySize(doc) > IAM_LIMITS.trustPolicySize) {
    throw limitExceeded(`Cannot exceed quota for ACLSizePerRole: ${IAM_LIMITS.trustPolicySize}`);
  }
  for (const s of statements) {
    const principal = s.Principal as { AWS?: string | string[] } | undefined;
    if (!principal) throw malformed("Has prohibited field Resource or missing Principal");
    if (!principals || principal.AWS === undefined) continue;
    for (const p of [principal.AWS].flat()) {
      if (!principals.has(p)) throw malformed(`Invalid principal in policy: "AWS":"${p}"`);
    }
  }
}

export function sessionDuration(params: URLSearchParams): number | undefined {
  const raw = params.get("MaxSessionDuration");
  if (raw === null) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < IAM_LIMITS.minSessionSeconds) {
    throw validationError("maxSessionDuration", raw, `Member must have value greater than or equal to 3600`);
  }
  if (n > IAM_LIMITS.maxSessionSeconds) {
    throw validationError("maxSessionDuration", raw, `Member must have value less than or equal to 43200`);
  }
  return n;
}

/** `Tags.member.N.Key` / `.Value`, as the Query protocol flattens lists. */
export function tags(params: URLSearchParams): Tag[] {
  const out: Tag[] = [];
  for (let i = 1; params.has(`Tags.member.${i}.Key`); i++) {
    out.push({
      Key: params.get(`Tags.member.${i}.Key`) ?? "",
      Value: params.get(`Tags.member.${i}.Value`) ?? "",
    });
  }
  return out;
}

export function mergeTags(existing: Tag[], added: Tag[]): Tag[] {
  const byKey = new Map(existing.map((t) => [t.Key, t]));
  for (const t of added) byKey.set(t.Key, t);
  if (byKey.size > IAM_LIMITS.tagsPerResource) {
    throw limitExceeded(`Cannot exceed quota for TagsPerResource: ${IAM_LIMITS.tagsPerResource}`);
  }
  return [...byKey.values()];
}

/** List pagination: `MaxItems` (1–1000, default 100) and an opaque `Marker`. */
export function page<T>(
  items: T[],
  params: URLSearchParams,
): { items: T[]; IsTruncated: boolean; Marker?: string } {
  const max = Number(params.get("MaxItems") ?? 100);
  if (!Number.isInteger(max) || max < 1 || max > 1000)
    throw invalidInput("MaxItems must be between 1 and 1000.");
  const marker = params.get("Marker");
  const start = marker ? Number(Buffer.from(marker, "base64url").toString()) : 0;
  if (!Number.isInteger(start) || start < 0) throw invalidInput("Invalid Marker.");
  const slice = items.slice(start, start + max);
  const more = start + max < items.length;
  return {
    items: slice,
    IsTruncated: more,
    Marker: more ? Buffer.from(String(start + max)).toString("base64url") : undefined,
  };
}
