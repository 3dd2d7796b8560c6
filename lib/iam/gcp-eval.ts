/**
 * An independent GCP IAM allow-policy oracle for testing the bindings Elevate builds. It follows Google's
 * documentation, not Elevate's code: https://cloud.google.com/iam/docs/conditions-overview,
 * https://cloud.google.com/iam/docs/conditions-attribute-reference, https://cloud.google.com/iam/docs/conditions-resource-attributes
 */
import { compileGcpCondition, evaluateGcpCondition } from "./gcp-cel";

export { extractTemplate, MAX_CONDITION_CHARS, MAX_LOGICAL_OPERATORS } from "./gcp-cel";

export type GcpBinding = {
  role: { includedPermissions: string[] };
  members?: string[];
  condition?: { title?: string; expression: string } | null;
};
export type GcpResource = { type: string; name: string; service?: string };
export type GcpRequest = { permission: string; resource: GcpResource; time: Date; member?: string };
export type GcpDecision = { decision: "allow" | "deny"; reason: string };

/** Parses and type-checks a condition expression the way IAM would accept it; returns an error message or null. */
export function checkGcpCondition(expression: string): string | null {
  const compiled = compileGcpCondition(expression);
  return compiled.ok ? null : compiled.error;
}

/** Everyone, so they match any member; the overview forbids conditions on bindings that name them. */
const PUBLIC_MEMBERS = new Set(["allUsers", "allAuthenticatedUsers"]);

function memberMatches(members: string[] | undefined, member: string): boolean {
  // Exact principal identifiers: group membership and domains are not resolved by this oracle.
  return (members ?? []).some((m) => m === member || PUBLIC_MEMBERS.has(m));
}

/**
 * Allowed when some binding's role includes the permission exactly (names are case-sensitive, custom roles
 * have no wildcards), its members include req.member (when given), and its condition, if any, is true.
 * Bindings are a union: a binding that does not apply never takes away what another grants.
 */
export function evaluateGcp(bindings: GcpBinding[], req: GcpRequest): GcpDecision {
  const why: string[] = [];
  let holders = 0;
  for (const [i, b] of bindings.entries()) {
    if (!b.role.includedPermissions.includes(req.permission)) continue;
    holders++;
    const label = `binding ${i}${b.condition?.title ? ` ("${b.condition.title}")` : ""}`;
    if (req.member !== undefined && !memberMatches(b.members, req.member)) {
      why.push(`${label}: ${req.member} is not one of its members`);
      continue;
    }
    if (!b.condition)
      return { decision: "allow", reason: `${label} grants ${req.permission} unconditionally` };
    if (b.members?.some((m) => PUBLIC_MEMBERS.has(m))) {
      why.push(`${label}: IAM refuses a condition on a binding for allUsers/allAuthenticatedUsers`);
      continue;
    }
    const r = evaluateGcpCondition(b.condition.expression, { time: req.time, resource: req.resource });
    if (r.kind === "true") {
      return { decision: "allow", reason: `${label} grants ${req.permission}: its condition is true` };
    }
    why.push(
      `${label}: ${r.kind === "false" ? "condition is false" : `condition does not apply (${r.error})`}`,
    );
  }
  if (holders === 0) {
    return {
      decision: "deny",
      reason: `no binding's role includes ${req.permission} (exact, case-sensitive)`,
    };
  }
  return { decision: "deny", reason: why.join("; ") };
}
