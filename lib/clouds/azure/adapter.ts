import type { AuthorizationManagementClient, RoleDefinition } from "@azure/arm-authorization";
import type { RoleSpec } from "@/db/schema";
import { AZURE_ROLE_DESCRIPTION } from "@/lib/catalog/role-builder";
import { collectRequestIds } from "@/lib/clouds/gcp/request-ids";
import { bindingIdFor, type CloudAdapter, CloudError, type TargetRow } from "@/lib/clouds/port";
import { all, caller, isFailed, notFound } from "./call";
import { azureCatalogExports } from "./catalog-sync";
import { checkAssignedAccess } from "./check-access";
import { type AzureAdapterConfig, authorizationClient, azureSettings } from "./config";
import { directStore } from "./direct-store";
import {
  checkGrantId,
  grantIdOf,
  guidOfId,
  principalId,
  roleDefinitionId,
  roleGuid,
  subscriptionScope,
} from "./ids";
import { pimStore } from "./pim-store";
import { assignmentScope } from "./scope";
import type { GrantStore, SharedAssignment } from "./store";

const ROLE_DESCRIPTION = AZURE_ROLE_DESCRIPTION;

/**
 * Azure: content-addressed custom role definitions (one per permission set, assignable in every
 * subscription that uses it) and one shared assignment per (principal, role, scope) listing its grants,
 * made at the grant's own scope: the subscription or a resource group or resource below it.
 * With `settings.pim: true` the assignment is a PIM schedule that Azure ends at the latest expiry.
 */
export function azureAdapter(config: AzureAdapterConfig): CloudAdapter {
  const s = azureSettings(config);
  const call = caller(s);
  const clients = new Map<string, AuthorizationManagementClient>();

  function session(target: TargetRow) {
    const scope = subscriptionScope(target.externalId);
    let client = clients.get(scope);
    if (!client) {
      client = authorizationClient(config, target.externalId.toLowerCase());
      clients.set(scope, client);
    }
    const store: GrantStore =
      target.settings.pim === true ? pimStore(client, call) : directStore(client, call);
    return { scope, client, store };
  }

  const getRole = async (client: AuthorizationManagementClient, scope: string, guid: string) => {
    const got = await call(
      "roleDefinitions.get",
      (o) => client.roleDefinitions.get(scope, guid, o),
      notFound,
    );
    if (!isFailed(got)) return got;
    // Not assignable here yet, but it may exist for another subscription of the tenant: read it by id.
    const id = `/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
    const anywhere = await call(
      "roleDefinitions.getById",
      (o) => client.roleDefinitions.getById(id, o),
      notFound,
    );
    return isFailed(anywhere) ? undefined : anywhere;
  };

  // A grant lives on the assignment at its own scope, which may be anywhere below the subscription.
  const withGrant = (list: SharedAssignment[], grantId: string) => list.filter((a) => a.grants.has(grantId));
  const tripleOf = (subscription: string, a: SharedAssignment) => ({
    scope: a.scope,
    roleGuid: a.roleGuid,
    roleDefinitionId: roleDefinitionId(subscription, a.roleGuid),
    principal: a.principal,
  });

  return {
    kind: "azure",

    ensureRole: (target, spec) =>
      evidence(async () => {
        const { scope, client } = session(target);
        const guid = roleGuid(spec.roleName);
        const permissions = permissionsOf(spec);
        const existing = await getRole(client, scope, guid);
        const scopes = [...new Set([...(existing?.assignableScopes ?? []), scope])];
        if (
          !existing ||
          existing.roleName !== spec.roleName ||
          scopes.length !== existing.assignableScopes?.length
        ) {
          const definition: RoleDefinition = {
            roleName: spec.roleName,
            description: ROLE_DESCRIPTION,
            roleType: "CustomRole",
            permissions: [permissions],
            assignableScopes: scopes,
          };
          await call("roleDefinitions.createOrUpdate", (o) =>
            client.roleDefinitions.createOrUpdate(scope, guid, definition, o),
          );
        }
        return { roleName: spec.roleName };
      }),

    bind: (target, b) =>
      evidence(async () => {
        const { scope, store } = session(target);
        const guid = roleGuid(b.roleName);
        checkGrantId(b.grantId);
        if (!Number.isFinite(b.notAfter.getTime()))
          throw new CloudError("permanent", "azure: invalid expiry");
        // Assigned at the narrowest scope; the role stays defined (assignable) at the subscription.
        const triple = {
          scope: assignmentScope(scope, b.scope),
          roleGuid: guid,
          roleDefinitionId: roleDefinitionId(scope, guid),
          principal: principalId(b.principal),
        };
        await store.add(triple, b.grantId, b.notAfter);
        return { bindingId: bindingIdFor(b.grantId) };
      }),

    unbind: (target, bindingId) =>
      evidence(async () => {
        const { scope, store } = session(target);
        const grantId = grantIdOf(bindingId);
        for (const current of withGrant(await store.list(scope), grantId))
          await store.remove(tripleOf(scope, current), current, grantId);
        return {};
      }),

    inspect: (target, bindingId) =>
      evidence(async () => {
        const { scope, store } = session(target);
        const grantId = grantIdOf(bindingId);
        const [found] = withGrant(await store.list(scope), grantId);
        return {
          present: Boolean(found),
          notAfter: found?.grants.get(grantId) ?? null,
          raw: found?.raw ?? null,
        };
      }),

    listManaged: (target) =>
      evidence(async () => {
        const { scope, client, store } = session(target);
        const listed = await call("roleDefinitions.list", (o) =>
          all(client.roleDefinitions.list(scope, { ...o, filter: "type eq 'CustomRole'" })),
        );
        const roles = isFailed(listed) ? [] : listed.filter((r) => r.roleName?.startsWith("Elevate "));
        const nameOf = new Map(roles.map((r) => [guidOfId(r.id ?? r.name), r.roleName ?? ""]));
        const assignments = await store.list(scope);
        return {
          roles: roles.map((r) => r.roleName ?? ""),
          bindings: assignments.flatMap((a) =>
            [...a.grants.keys()].map((grantId) => ({
              bindingId: bindingIdFor(grantId),
              grantId,
              roleName: nameOf.get(a.roleGuid) ?? a.roleGuid,
            })),
          ),
        };
      }),

    deleteRole: (target, roleName) =>
      evidence(async () => {
        const { scope, client } = session(target);
        const guid = roleGuid(roleName);
        const existing = await getRole(client, scope, guid);
        if (!existing) return {};
        // Shared by other subscriptions of the tenant: withdraw only this one.
        const rest = (existing.assignableScopes ?? []).filter((x) => x.toLowerCase() !== scope);
        if (rest.length > 0) {
          const definition: RoleDefinition = { ...existing, assignableScopes: rest };
          // Written at a scope it stays assignable to: ARM wants the request scope among assignableScopes.
          await call("roleDefinitions.createOrUpdate", (o) =>
            client.roleDefinitions.createOrUpdate(rest[0], guid, definition, o),
          );
        } else {
          await call(
            "roleDefinitions.delete",
            (o) => client.roleDefinitions.delete(scope, guid, o),
            notFound,
          );
        }
        return {};
      }),

    /**
     * Azure's record of the principal's assignments (with PIM: schedule instances) at or above the grant's
     * scope and their definitions, evaluated for the grant's operations (check-access.ts says what this
     * proves and what it does not).
     */
    checkAccess: (target, b, spec) =>
      evidence(async () => {
        const { scope, client } = session(target);
        const now = new Date((config.now ?? Date.now)());
        return checkAssignedAccess(client, call, scope, b, spec, now, target.settings.pim === true);
      }),

    syncCatalog: (target) =>
      evidence(async () => {
        const { scope, client } = session(target);
        return { exports: await azureCatalogExports(client, call, scope) };
      }),
  };
}

/** Data-plane operations go in dataActions when the role document says so; everything else is an action. */
function permissionsOf(spec: RoleSpec) {
  if (spec.cloud !== "azure") throw new CloudError("permanent", `azure: role spec is for ${spec.cloud}`);
  const doc = (spec.document.permissions as { dataActions?: unknown }[] | undefined)?.[0];
  const dataActions = Array.isArray(doc?.dataActions)
    ? doc.dataActions.filter((x): x is string => typeof x === "string")
    : [];
  const actions = spec.permissions.filter((p) => !dataActions.includes(p));
  return { actions, notActions: [], dataActions, notDataActions: [] };
}

async function evidence<T extends object>(fn: () => Promise<T>): Promise<T & { requestIds: string[] }> {
  const { out, requestIds } = await collectRequestIds(fn);
  return { ...out, requestIds };
}
