import type { FakeReply } from "@/lib/clouds/fakes/gcp/fake-http";
import { refuseDefinition } from "./definition-rules";
import { armError } from "./errors";
import { within } from "./scope";
import { AZURE_LIMITS, type FakeAzureState, type FakeDefinition, guidOf } from "./state";

const AUTH = "/providers/Microsoft.Authorization";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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

/** Assignable at `scope`: at or below one of its assignable scopes (child scopes inherit). */
export const assignable = (d: FakeDefinition | undefined, scope: string) =>
  Boolean(d?.assignableScopes.some((s) => s !== "" && within(scope, s)));

/** ARM role definitions (tenant-wide, readable at their assignable scopes). `scope` is lower-cased. */
export function handleDefinitions(
  state: FakeAzureState,
  method: string,
  scope: string,
  id: string | undefined,
  body: Record<string, unknown> | undefined,
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
  if (method !== "PUT") return armError(405, "MethodNotAllowed", "Use PUT");
  const p = (body?.properties ?? {}) as Partial<FakeDefinition>;
  if (!GUID.test(guid))
    return armError(400, "InvalidRoleDefinitionId", "The role definition ID must be a GUID.");
  const refused = refuseDefinition(state, scope, p);
  if (refused) return refused;
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
    roleName: p.roleName ?? "",
    description: p.description ?? "",
    permissions: p.permissions ?? [],
    assignableScopes: (p.assignableScopes ?? []).map((s) => s.toLowerCase()),
    createdOn: existing?.createdOn ?? state.now(),
  };
  state.definitions.set(guid, saved);
  return { status: 201, body: definitionJson(saved) };
}
