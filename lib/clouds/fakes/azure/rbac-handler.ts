import type { FakeReply } from "@/lib/clouds/fakes/gcp/fake-http";
import { armError } from "./errors";
import { AZURE_LIMITS, type FakeAssignment, type FakeAzureState, type FakeDefinition, guidOf } from "./state";

const AUTH = "/providers/Microsoft.Authorization";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const OPERATION = /^[A-Za-z][A-Za-z0-9.]*(\/[A-Za-z0-9.*_-]+)+$/;
type Props = Record<string, unknown>;

export const definitionJson = (d: FakeDefinition) => ({
  id: `/subscriptions/${d.assignableScopes[0]?.split("/")[2] ?? "00000000-0000-0000-0000-000000000000"}${AUTH}/roleDefinitions/${d.guid}`,
  name: d.guid,
  type: "Microsoft.Authorization/roleDefinitions",
  properties: {
    roleName: d.roleName,
    description: d.description,
    type: "CustomRole",
    permissions: d.permissions,
    assignableScopes: d.assignableScopes,
    createdOn: d.createdOn,
  },
});
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

const assignable = (d: FakeDefinition | undefined, scope: string) =>
  Boolean(
    d?.assignableScopes.some((s) => scope === s.toLowerCase() || scope.startsWith(`${s.toLowerCase()}/`)),
  );

/** ARM role definitions (tenant-wide, readable at their assignable scopes). */
export function handleDefinitions(
  state: FakeAzureState,
  method: string,
  scope: string,
  id: string | undefined,
  body: Props | undefined,
): FakeReply {
  if (!id) {
    if (method !== "GET") return armError(405, "MethodNotAllowed", "Use GET");
    return {
      status: 200,
      body: {
        value: [...state.definitions.values()].filter((d) => assignable(d, scope)).map(definitionJson),
      },
    };
  }
  const guid = id.toLowerCase();
  const existing = state.definitions.get(guid);
  if (method === "GET") {
    // Tenant-level read by id (no scope prefix) sees every definition of the tenant.
    return (scope === "" || assignable(existing, scope)) && existing
      ? { status: 200, body: definitionJson(existing) }
      : armError(404, "RoleDefinitionDoesNotExist", "The specified role definition does not exist.");
  }
  if (method === "DELETE") {
    if (!existing) return { status: 204 };
    const used =
      [...state.assignments.values()].some((a) => guidOf(a.roleDefinitionId) === guid) ||
      state.windows.some((w) => w.roleGuid === guid && w.until === undefined);
    if (used)
      return armError(
        409,
        "RoleDefinitionHasAssignments",
        "There are existing role assignments referencing role.",
      );
    state.definitions.delete(guid);
    return { status: 200, body: definitionJson(existing) };
  }
  const p = (body?.properties ?? {}) as Partial<FakeDefinition>;
  const scopes = (p.assignableScopes ?? []).map((s) => s.toLowerCase());
  if (!GUID.test(guid))
    return armError(400, "InvalidRoleDefinitionId", "The role definition ID must be a GUID.");
  if (!p.roleName || scopes.length === 0)
    return armError(400, "InvalidRoleDefinitionParameter", "roleName and assignableScopes are required.");
  if (!scopes.includes(scope))
    return armError(
      400,
      "InvalidCreateRoleDefinitionRequest",
      "The request scope must be one of the assignable scopes.",
    );
  const ops = (p.permissions ?? []).flatMap((x) => [...(x.actions ?? []), ...(x.dataActions ?? [])]);
  if (ops.length === 0 || ops.some((o) => !OPERATION.test(o)))
    return armError(400, "InvalidActionOrNotAction", "The permissions are not valid operations.");
  const clash = [...state.definitions.values()].find((d) => d.roleName === p.roleName && d.guid !== guid);
  if (clash)
    return armError(
      409,
      "RoleDefinitionWithSameNameExists",
      `A custom role with the name '${p.roleName}' already exists.`,
    );
  if (!existing && state.definitions.size >= AZURE_LIMITS.customRolesPerTenant) {
    return armError(
      400,
      "RoleDefinitionLimitExceeded",
      `The tenant already has ${AZURE_LIMITS.customRolesPerTenant} custom roles.`,
    );
  }
  const saved: FakeDefinition = {
    guid,
    roleName: p.roleName,
    description: p.description ?? "",
    permissions: p.permissions ?? [],
    assignableScopes: scopes,
    createdOn: existing?.createdOn ?? state.now(),
  };
  state.definitions.set(guid, saved);
  return { status: 201, body: definitionJson(saved) };
}

/** ARM role assignments: one per (principal, role, scope), names are GUIDs. */
export function handleAssignments(
  state: FakeAzureState,
  method: string,
  scope: string,
  name: string | undefined,
  body: Props | undefined,
): FakeReply {
  if (!name) {
    if (method !== "GET") return armError(405, "MethodNotAllowed", "Use GET");
    const atOrAbove = [...state.assignments.values()].filter(
      (a) => scope === a.scope || scope.startsWith(`${a.scope}/`),
    );
    return { status: 200, body: { value: atOrAbove.map(assignmentJson) } };
  }
  const key = `${scope}/${name.toLowerCase()}`;
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
        x.scope === scope &&
        x.roleGuid === guidOf(existing.roleDefinitionId) &&
        x.principalId === existing.principalId &&
        x.until === undefined &&
        x.end === undefined,
    );
    if (w) w.until = Date.now();
    return { status: 200, body: assignmentJson(existing) };
  }
  const p = (body?.properties ?? {}) as Partial<FakeAssignment>;
  const principalId = (p.principalId ?? "").toLowerCase();
  const roleGuid = guidOf(p.roleDefinitionId ?? "");
  if (!GUID.test(name))
    return armError(400, "InvalidRoleAssignmentId", "The role assignment ID must be a GUID.");
  if (!GUID.test(principalId))
    return armError(400, "InvalidPrincipalId", "A valid principal ID must be provided.");
  if (!assignable(state.definitions.get(roleGuid), scope))
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
  const twin = [...state.assignments.values()].find(
    (a) => a.scope === scope && a.principalId === principalId && guidOf(a.roleDefinitionId) === roleGuid,
  );
  if (twin) return armError(409, "RoleAssignmentExists", "The role assignment already exists.");
  const sub = scope.split("/").slice(0, 3).join("/");
  if (
    [...state.assignments.values()].filter((a) => a.scope.startsWith(sub)).length >=
    AZURE_LIMITS.assignmentsPerSubscription
  ) {
    return armError(
      400,
      "RoleAssignmentLimitExceeded",
      `No more than ${AZURE_LIMITS.assignmentsPerSubscription} role assignments are allowed.`,
    );
  }
  const at = state.now();
  const saved: FakeAssignment = {
    name: name.toLowerCase(),
    scope,
    roleDefinitionId: p.roleDefinitionId ?? "",
    principalId,
    principalType: p.principalType,
    description: p.description,
    createdOn: at,
    updatedOn: at,
  };
  state.assignments.set(key, saved);
  state.windows.push({ principalId, roleGuid, scope, from: Date.now() });
  return { status: 201, body: assignmentJson(saved) };
}
