/**
 * Azure RBAC oracle from Microsoft's docs (not Elevate's code): role-definitions, scope-overview and
 * role-assignments-list-rest under https://learn.microsoft.com/en-us/azure/role-based-access-control/.
 * Not modelled: deny assignments (not needed: Elevate writes none), conditions, group membership, and
 * which subscriptions sit under a management group.
 */
import { checkAzureScope, scopeContains } from "@/lib/iam/azure-scope";
import { globMatch } from "@/lib/iam/glob";

export { checkAzureScope, MAX_SCOPE_LENGTH, parseAzureScope, scopeContains } from "@/lib/iam/azure-scope";

export type AzurePermissions = {
  actions?: string[];
  notActions?: string[];
  dataActions?: string[];
  notDataActions?: string[];
};
export type AzureAssignment = {
  scope: string;
  role: { permissions: AzurePermissions[]; assignableScopes?: string[] };
  principalId?: string;
  startDateTime?: Date;
  endDateTime?: Date;
};
export type AzureRequest = {
  operation: string;
  dataAction: boolean;
  resourceId: string;
  time: Date;
  principalId?: string;
};
export type AzureDecision = { decision: "allow" | "deny"; reason: string };

const deny = (reason: string): AzureDecision => ({ decision: "deny", reason });

/**
 * Does an Actions/DataActions entry cover `operation`? "*" matches any run of characters, anywhere, and case is
 * ignored (Contributor's NotActions end in "/Write" and must subtract ".../write" operations). Azure has no
 * "?" wildcard and no operation contains "?", so a pattern with one matches nothing.
 */
export function azureActionMatches(pattern: string, operation: string): boolean {
  if (pattern.includes("?")) return false;
  return globMatch(pattern, operation, { ignoreCase: true });
}

/**
 * The entry of one permissions block that grants `operation` on the requested plane, or null. Per block,
 * effective = Actions − NotActions (control plane) or DataActions − NotDataActions (data plane); the planes never
 * mix, so Owner's "*" in Actions grants no data action. `excludedBy` reports a NotActions hit for the reason.
 */
function blockGrant(
  block: AzurePermissions,
  operation: string,
  dataAction: boolean,
): { grant: string | null; excludedBy: string | null } {
  const allow = (dataAction ? block.dataActions : block.actions) ?? [];
  const except = (dataAction ? block.notDataActions : block.notActions) ?? [];
  const grant = allow.find((p) => azureActionMatches(p, operation)) ?? null;
  if (grant === null) return { grant: null, excludedBy: null };
  const excludedBy = except.find((p) => azureActionMatches(p, operation)) ?? null;
  return excludedBy === null ? { grant, excludedBy: null } : { grant: null, excludedBy };
}

/** PIM schedules apply within [start, end); an unreadable date fails closed. */
function inWindow(a: AzureAssignment, t: number): boolean {
  if (a.startDateTime !== undefined && !(a.startDateTime.getTime() <= t)) return false;
  if (a.endDateTime !== undefined && !(t < a.endDateTime.getTime())) return false;
  return true;
}

/**
 * ARM refuses to create an assignment outside its role's AssignableScopes, so such an input grants nothing.
 * Absent AssignableScopes stand for the built-in roles' "/" (role-definitions, "AssignableScopes").
 */
function assignable(a: AzureAssignment): boolean {
  const scopes = a.role.assignableScopes;
  return scopes === undefined || scopes.some((s) => scopeContains(s, a.scope));
}

/** Validates the request; a malformed one is denied rather than guessed at. */
function requestError(req: AzureRequest): string | null {
  if (typeof req.operation !== "string" || req.operation.trim() === "") return "the operation is empty";
  if (/[*?\s]/.test(req.operation))
    return `the operation "${req.operation}" is not a single concrete operation`;
  if (!(req.time instanceof Date) || Number.isNaN(req.time.getTime())) return "the request time is invalid";
  const scopeError = checkAzureScope(req.resourceId);
  return scopeError === null ? null : `the resource id is invalid: ${scopeError}`;
}

/**
 * Azure RBAC is additive: the request is allowed when any one applicable assignment's role grants it. An
 * assignment applies when it belongs to the principal, sits at the resource or any scope above it (inheritance;
 * never from a child scope to its parent), is within its schedule and is assignable there. A missing principalId
 * on either side means the caller already filtered by principal. NotActions/NotDataActions only subtract within
 * their own role: they are not deny rules.
 */
export function evaluateAzure(assignments: AzureAssignment[], req: AzureRequest): AzureDecision {
  const invalid = requestError(req);
  if (invalid !== null) return deny(invalid);
  const plane = req.dataAction ? "data action" : "action";
  const t = req.time.getTime();
  const notes: string[] = [];
  for (const [i, a] of assignments.entries()) {
    if (req.principalId !== undefined && a.principalId !== undefined && !ieq(a.principalId, req.principalId))
      continue;
    if (checkAzureScope(a.scope) !== null) {
      notes.push(`#${i} has an invalid scope`);
      continue;
    }
    if (!scopeContains(a.scope, req.resourceId)) continue;
    if (!assignable(a)) {
      notes.push(`#${i} is outside its role's assignable scopes`);
      continue;
    }
    if (!inWindow(a, t)) {
      notes.push(`#${i} is outside its schedule`);
      continue;
    }
    for (const block of a.role.permissions ?? []) {
      const { grant, excludedBy } = blockGrant(block, req.operation, req.dataAction);
      if (grant !== null)
        return {
          decision: "allow",
          reason: `allowed by assignment #${i} at ${a.scope}: ${plane} "${grant}"`,
        };
      if (excludedBy !== null) notes.push(`#${i} subtracts it with "${excludedBy}"`);
    }
  }
  return deny(`no assignment grants ${plane} "${req.operation}" on ${req.resourceId}${detail(notes)}`);
}

const ieq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const detail = (notes: string[]) => (notes.length === 0 ? "" : ` (${notes.slice(0, 3).join("; ")})`);
