import { invalidInput, limitExceeded, malformed, validationError } from "./errors";
import { checkPolicy } from "./policy-grammar";

/** IAM's documented quotas (defaults), enforced by the fake. */
export const IAM_LIMITS = {
  managedPolicySize: 6144,
  inlineRolePolicySizeTotal: 10240,
  trustPolicySize: 2048,
  managedPoliciesPerRole: 10,
  policyVersions: 5,
  tagsPerResource: 50,
  description: 1000,
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

/** A customer managed policy: the identity-policy grammar, within 6,144 characters. */
export function managedPolicyDocument(doc: string): void {
  checkPolicy(doc, "identity");
  if (policySize(doc) > IAM_LIMITS.managedPolicySize) {
    throw limitExceeded(`Cannot exceed quota for PolicySize: ${IAM_LIMITS.managedPolicySize}`);
  }
}

/** Trust policies must name principals; with a known set, unknown ones fail as IAM's do. */
export function trustPolicy(doc: string, principals: Set<string> | null): void {
  const statements = checkPolicy(doc, "trust");
  if (policySize(doc) > IAM_LIMITS.trustPolicySize) {
    throw limitExceeded(`Cannot exceed quota for ACLSizePerRole: ${IAM_LIMITS.trustPolicySize}`);
  }
  for (const s of statements) {
    // checkPolicy made sure every trust statement has a Principal.
    const principal = s.Principal as { AWS?: string | string[] };
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

/** API_CreateRole.html, API_UpdateRole.html, API_CreatePolicy.html: descriptions of at most 1,000 characters. */
export function description(params: URLSearchParams): string | undefined {
  const v = params.get("Description");
  if (v !== null && [...v].length > IAM_LIMITS.description) {
    throw validationError(
      "description",
      v,
      `Member must have length less than or equal to ${IAM_LIMITS.description}`,
    );
  }
  return v ?? undefined;
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
