import type { protos } from "@google-cloud/resource-manager";
import { CloudError } from "@/lib/clouds/port";
import { checkGcpCondition, MAX_CONDITION_CHARS } from "@/lib/iam/gcp-eval";

export type Policy = protos.google.iam.v1.IPolicy;
export type Binding = protos.google.iam.v1.IBinding;

export const CONDITION_PREFIX = "elevate:";
export const ROLE_ID = /^elevate_[A-Za-z0-9_.]{3,56}$/;
/** Grant ids become part of a condition title (≤ 100 characters): uuid-like only. */
const GRANT_ID = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;
/** A plain e-mail address; anything else (wildcards, allUsers, domain:, group:) is refused. */
const EMAIL = /^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,63}$/;
const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
/** The expiry clause Elevate writes first; anything after it must be ` && (<resource condition>)`. */
const EXPIRY =
  /^request\.time < timestamp\('(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z)'\)(?: && \((.+)\))?$/s;

const invalid = (what: string) => new CloudError("permanent", `gcp: invalid ${what}`);

export function projectOf(externalId: string): string {
  if (!PROJECT_ID.test(externalId)) throw invalid(`project id "${externalId}"`);
  return `projects/${externalId}`;
}

/** Only Elevate's own custom roles are ever bound: basic roles (owner/editor/viewer) cannot be reached. */
export function roleResource(project: string, roleId: string): string {
  if (!ROLE_ID.test(roleId)) throw invalid(`role id "${roleId}"`);
  return `${project}/roles/${roleId}`;
}

export function memberFor(principal: string): string {
  const email = principal.startsWith("user:") ? principal.slice(5) : principal;
  if (!EMAIL.test(email)) throw invalid("principal (expected a user e-mail address)");
  return `user:${email}`;
}

export function grantIdOf(bindingId: string): string {
  const grantId = bindingId.startsWith("elevate-") ? bindingId.slice(8) : "";
  if (!GRANT_ID.test(grantId)) throw invalid(`binding id "${bindingId}"`);
  return grantId;
}

/**
 * The expression is `request.time < timestamp(<expiry>)`, joined with `&&` to the role builder's resource
 * constraint when there is one. The constraint must be a complete IAM condition on its own, so no text in
 * it can reach outside its parentheses, and must not touch `request.time`, so the expiry stays the bound.
 */
export function conditionExpression(notAfter: Date, condition?: string): string {
  if (!Number.isFinite(notAfter.getTime())) throw invalid("expiry");
  const expiry = `request.time < timestamp('${notAfter.toISOString()}')`;
  if (condition === undefined) return expiry;
  if (/request\s*\.\s*time/.test(condition))
    throw invalid("resource condition (it must not use request.time)");
  const expression = `${expiry} && (${condition})`;
  if (expression.length > MAX_CONDITION_CHARS) {
    throw invalid(
      `resource condition (${expression.length} characters with the expiry; IAM allows ${MAX_CONDITION_CHARS})`,
    );
  }
  const own = checkGcpCondition(condition);
  if (own) throw invalid(`resource condition (${own})`);
  // The whole expression too: IAM's limits (e.g. 12 logical operators) count the joining `&&`.
  const whole = checkGcpCondition(expression);
  if (whole) throw invalid(`resource condition (${whole})`);
  return expression;
}

/** Built from a Date, a pattern-checked id and a checked resource condition only. */
export function grantBinding(input: {
  role: string;
  member: string;
  grantId: string;
  notAfter: Date;
  condition?: string;
}): Binding {
  if (!GRANT_ID.test(input.grantId)) throw invalid(`grant id "${input.grantId}"`);
  return {
    role: input.role,
    members: [input.member],
    condition: {
      title: `${CONDITION_PREFIX}${input.grantId}`,
      description: "Managed by Elevate: just-in-time access, expires on its own",
      expression: conditionExpression(input.notAfter, input.condition),
    },
  };
}

export const titleOf = (b: Binding) => b.condition?.title ?? "";
export const isGrantBinding = (b: Binding, grantId: string) => titleOf(b) === `${CONDITION_PREFIX}${grantId}`;

/**
 * The expiry of an expression shaped as Elevate writes it: the leading clause only, and only when what
 * follows is one parenthesised, self-contained condition (so `... && (a) || (true)` has no expiry).
 */
export function expiryOf(b: Binding): string | null {
  const m = EXPIRY.exec(b.condition?.expression ?? "");
  if (!m) return null;
  if (m[2] !== undefined && checkGcpCondition(m[2]) !== null) return null;
  return new Date(m[1]).toISOString();
}

/** Same role, members, title and expression: re-binding would change nothing. */
export function sameBinding(a: Binding, b: Binding): boolean {
  return (
    a.role === b.role &&
    JSON.stringify([...(a.members ?? [])].sort()) === JSON.stringify([...(b.members ?? [])].sort()) &&
    titleOf(a) === titleOf(b) &&
    a.condition?.expression === b.condition?.expression
  );
}

/** Elevate's bindings in a policy, keyed by grant id, for drift detection. */
export function managedBindings(policy: Policy): { grantId: string; binding: Binding }[] {
  return (policy.bindings ?? [])
    .filter((b) => titleOf(b).startsWith(CONDITION_PREFIX))
    .map((binding) => ({ grantId: titleOf(binding).slice(CONDITION_PREFIX.length), binding }));
}
