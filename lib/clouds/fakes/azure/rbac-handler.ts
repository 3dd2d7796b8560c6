import type { FakeReply } from "@/lib/clouds/fakes/gcp/fake-http";
import { assignable } from "./definitions-handler";
import { armError } from "./errors";
import { listFilter } from "./listing";
import { related, within } from "./scope";
import { AZURE_LIMITS, type FakeAssignment, type FakeAzureState, guidOf } from "./state";

const AUTH = "/providers/Microsoft.Authorization";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const assignmentJson = (a: FakeAssignment) => ({
  id: `${a.scope}${AUTH}/roleAssignments/${a.name}`,
  name: a.name,
  type: "Microsoft.Authorization/roleAssignments",
  properties: {
    scope: a.scope,
    roleDefinitionId: a.roleDefinitionId,
    principalId: a.principalId,
    principalType: a.principalType,
    description: a.description,
    createdOn: a.createdOn,
    updatedOn: a.updatedOn,
  },
});

/**
 * ARM role assignments: one per (principal, role, scope), names are GUIDs. `scope` keeps the caller's
 * case, as ARM echoes it; the store is keyed and compared case-insensitively.
 */
export function handleAssignments(
  state: FakeAzureState,
  method: string,
  scope: string,
  name: string | undefined,
  body: Record<string, unknown> | undefined,
  filter: string | null = null,
): FakeReply {
  const at = scope.toLowerCase();
  if (!name) {
    if (method !== "GET") return armError(405, "MethodNotAllowed", "Use GET");
    const keep = listFilter(scope, filter);
    if (typeof keep !== "function") return keep;
    return { status: 200, body: { value: [...state.assignments.values()].filter(keep).map(assignmentJson) } };
  }
  const key = `${at}/${name.toLowerCase()}`;
  const existing = state.assignments.get(key);
  if (method === "GET")
    return existing
      ? { status: 200, body: assignmentJson(existing) }
      : armError(404, "RoleAssignmentNotFound", "The role assignment was not found.");
  if (method === "DELETE") {
    if (!existing) return { status: 204 };
    state.assignments.delete(key);
    const w = state.windows.find(
      (x) =>
        x.scope === at &&
        x.roleGuid === guidOf(existing.roleDefinitionId) &&
        x.principalId === existing.principalId &&
        x.until === undefined &&
        x.end === undefined,
    );
    if (w) w.until = Date.now();
    return { status: 200, body: assignmentJson(existing) };
  }
  if (method !== "PUT") return armError(405, "MethodNotAllowed", "Use PUT");
  const p = (body?.properties ?? {}) as Partial<FakeAssignment>;
  const principalId = (p.principalId ?? "").toLowerCase();
  const roleGuid = guidOf(p.roleDefinitionId ?? "");
  if (!GUID.test(name))
    return armError(400, "InvalidRoleAssignmentId", "The role assignment ID must be a GUID.");
  if (!GUID.test(principalId))
    return armError(400, "InvalidPrincipalId", "A valid principal ID must be provided.");
  if (!assignable(state.definitions.get(roleGuid), at))
    return armError(404, "RoleDefinitionDoesNotExist", "The specified role definition does not exist.");
  if (existing) {
    if (existing.principalId !== principalId || guidOf(existing.roleDefinitionId) !== roleGuid) {
      return armError(
        400,
        "RoleAssignmentUpdateNotPermitted",
        "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.",
      );
    }
    Object.assign(existing, { description: p.description, updatedOn: state.now() });
    return { status: 200, body: assignmentJson(existing) };
  }
  // Names are unique tenant-wide: the same name at another scope reads as a forbidden scope change.
  if ([...state.assignments.values()].some((a) => a.name === name.toLowerCase()))
    return armError(
      400,
      "RoleAssignmentUpdateNotPermitted",
      "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.",
    );
  const twin = [...state.assignments.values()].find(
    (a) =>
      a.scope.toLowerCase() === at &&
      a.principalId === principalId &&
      guidOf(a.roleDefinitionId) === roleGuid,
  );
  if (twin) return armError(409, "RoleAssignmentExists", "The role assignment already exists.");
  const sub = at.split("/").slice(0, 3).join("/");
  if (
    [...state.assignments.values()].filter((a) => within(a.scope, sub)).length >=
    AZURE_LIMITS.assignmentsPerSubscription
  ) {
    return armError(
      400,
      "RoleAssignmentLimitExceeded",
      `No more than ${AZURE_LIMITS.assignmentsPerSubscription} role assignments are allowed.`,
    );
  }
  const now = state.now();
  const saved: FakeAssignment = {
    name: name.toLowerCase(),
    scope,
    roleDefinitionId: p.roleDefinitionId ?? "",
    principalId,
    principalType: p.principalType,
    description: p.description,
    createdOn: now,
    updatedOn: now,
  };
  state.assignments.set(key, saved);
  state.windows.push({ principalId, roleGuid, scope: at, from: Date.now() });
  return { status: 201, body: assignmentJson(saved) };
}

/**
 * Deny Assignments - List For Scope, read only: no filter is at, above and below the scope; `atScope()` at
 * or above it (https://learn.microsoft.com/en-us/rest/api/authorization/deny-assignments/list-for-scope).
 * Other documented filters are not modelled and answer 400.
 */
export function listDenyAssignments(
  state: FakeAzureState,
  method: string,
  scope: string,
  filter: string | null,
): FakeReply {
  if (method !== "GET") return armError(405, "MethodNotAllowed", "Deny assignments are read-only.");
  const f = (filter ?? "").trim();
  const keep =
    f === ""
      ? (x: string) => related(x, scope)
      : /^atScope\(\)$/i.test(f)
        ? (x: string) => within(scope, x)
        : null;
  if (!keep) return armError(400, "BadRequest", `The filter '${f}' is not supported.`);
  const value = state.denyAssignments
    .filter((d) => keep(d.scope))
    .map((d) => ({
      id: `${d.scope}${AUTH}/denyAssignments/${d.name}`,
      name: d.name,
      type: "Microsoft.Authorization/denyAssignments",
      properties: {
        denyAssignmentName: d.denyAssignmentName,
        scope: d.scope,
        permissions: d.permissions,
        principals: d.principals,
        excludePrincipals: d.excludePrincipals ?? [],
        doNotApplyToChildScopes: d.doNotApplyToChildScopes ?? false,
        isSystemProtected: true,
      },
    }));
  return { status: 200, body: { value } };
}
