import type { FakeReply } from "@/lib/clouds/fakes/gcp/fake-http";
import { catalogCovers } from "./catalog-handler";
import { armError } from "./errors";
import { scopeProblem } from "./scope";
import { AZURE_LIMITS, type FakeAzureState, type FakeDefinition } from "./state";

const OPERATION = /^[A-Za-z*][A-Za-z0-9.*]*(\/[A-Za-z0-9.*_:-]+)+$|^\*$/;
const MANAGEMENT_GROUP = /^\/providers\/microsoft\.management\/managementgroups\//i;
type Permission = FakeDefinition["permissions"][number];

const bad = (code: string, message: string) => armError(400, code, message);

/**
 * What ARM refuses in a custom role definition PUT (custom-roles: properties table and "Custom role
 * limits"; custom-roles-rest: the request scope is an assignable scope; role-definitions: actions are
 * control-plane, dataActions data-plane operations). Null when ARM would accept it.
 */
export function refuseDefinition(
  state: FakeAzureState,
  scope: string,
  p: Partial<FakeDefinition>,
): FakeReply | null {
  const scopes = (p.assignableScopes ?? []).map((s) => s.toLowerCase());
  if (!p.roleName || scopes.length === 0)
    return bad("InvalidRoleDefinitionParameter", "roleName and assignableScopes are required.");
  if (p.roleName.length > AZURE_LIMITS.roleNameChars)
    return bad(
      "InvalidRoleDefinitionParameter",
      `The role name must be at most ${AZURE_LIMITS.roleNameChars} characters; it has ${p.roleName.length}.`,
    );
  if ((p.description ?? "").length > AZURE_LIMITS.descriptionChars)
    return bad(
      "InvalidRoleDefinitionParameter",
      `The description must be at most ${AZURE_LIMITS.descriptionChars} characters.`,
    );
  const wrongScope = scopes.find((s) => s === "/" || s.includes("*") || scopeProblem(s) !== null);
  if (wrongScope !== undefined || scopes.length > AZURE_LIMITS.assignableScopes)
    return bad(
      "InvalidRoleDefinitionParameter",
      wrongScope !== undefined
        ? `'${wrongScope}' cannot be an assignable scope (not the root, no wildcards, a well-formed scope).`
        : `A role definition has at most ${AZURE_LIMITS.assignableScopes} assignable scopes.`,
    );
  if (!scopes.includes(scope))
    return bad(
      "InvalidCreateRoleDefinitionRequest",
      "The request scope must be one of the assignable scopes.",
    );
  const perms = p.permissions ?? [];
  const refused = perms.map((x) => refuseOperations(state, x)).find((r) => r !== null);
  if (refused) return refused;
  if (perms.every((x) => (x.actions ?? []).length + (x.dataActions ?? []).length === 0))
    return bad("InvalidActionOrNotAction", "The role definition grants no operation.");
  const hasData = perms.some((x) => (x.dataActions ?? []).length > 0);
  if (hasData && scopes.some((s) => MANAGEMENT_GROUP.test(s)))
    return bad(
      "InvalidRoleDefinitionParameter",
      "You cannot add data action permissions when you have a management group as an assignable scope.",
    );
  return null;
}

/** Actions must be control-plane and dataActions data-plane, as far as the loaded catalog knows. */
function refuseOperations(state: FakeAzureState, x: Permission): FakeReply | null {
  const lists: [string[] | undefined, boolean][] = [
    [x.actions, false],
    [x.notActions, false],
    [x.dataActions, true],
    [x.notDataActions, true],
  ];
  for (const [list, wantData] of lists) {
    const code = wantData ? "InvalidDataActionOrNotDataAction" : "InvalidActionOrNotAction";
    const kind = wantData ? "data actions" : "actions";
    for (const op of list ?? []) {
      if (!OPERATION.test(op) || op.split("*").length > 2)
        return bad(code, `'${op}' is not a valid operation string (at most one wildcard).`);
      const covers = catalogCovers(state, op);
      const known = covers.data || covers.control;
      if (known && !(wantData ? covers.data : covers.control))
        return bad(code, `'${op}' does not match any of the ${kind} supported by the providers.`);
    }
  }
  return null;
}
