/**
 * The effective-access evidence stored with a grant at bind (`evidence.provision.effective`). Types and a
 * reader only, with no evaluator imports, so the request page can read it in the browser.
 */
export type EffectiveDecision = "allow" | "deny";

export type EffectiveCheck = {
  permission: string;
  /** What was evaluated: an ARN, a GCP resource name or an ARM scope; "*" means any resource. */
  on: string;
  decision: EffectiveDecision;
  /** The same call on a sibling (the resource's name suffixed "-sibling"), when the grant names a resource. */
  sibling?: { on: string; decision: EffectiveDecision };
};

export type EffectiveAccess = {
  evaluatedAt: string;
  evaluator: "elevate-iam-eval";
  /** The grant's expiry, the instant `afterExpiry` was evaluated at. */
  notAfter: string;
  /** Permissions in the role; only the first MAX_EFFECTIVE_CHECKS are evaluated and listed. */
  permissions: number;
  checks: EffectiveCheck[];
  /** "allow" if any listed check still passes at the expiry instant. */
  afterExpiry: EffectiveDecision;
};

/** Keeps the evidence small in the grant row and on the page; the role document holds the rest. */
export const MAX_EFFECTIVE_CHECKS = 50;

const isDecision = (v: unknown): v is EffectiveDecision => v === "allow" || v === "deny";
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

function isCheck(v: unknown): v is EffectiveCheck {
  if (!isObject(v) || typeof v.permission !== "string" || typeof v.on !== "string") return false;
  if (!isDecision(v.decision)) return false;
  const s = v.sibling;
  return s === undefined || (isObject(s) && typeof s.on === "string" && isDecision(s.decision));
}

/** The evidence if it has the expected shape, else null (older grants have none, a failed evaluation an error). */
export function readEffectiveAccess(v: unknown): EffectiveAccess | null {
  if (!isObject(v) || v.evaluator !== "elevate-iam-eval") return null;
  if (typeof v.evaluatedAt !== "string" || typeof v.notAfter !== "string") return null;
  if (typeof v.permissions !== "number" || !isDecision(v.afterExpiry)) return null;
  if (!Array.isArray(v.checks) || !v.checks.every(isCheck)) return null;
  return v as EffectiveAccess;
}
