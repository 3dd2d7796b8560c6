import type { AuthorizationManagementClient, RoleAssignment } from "@azure/arm-authorization";
import { CloudError } from "@/lib/clouds/port";
import { all, type Caller, isFailed, notFound } from "./call";
import { formatGrants, parseGrants, sameGrants } from "./grants-marker";
import { assignmentName, guidOfId } from "./ids";
import { isWithin } from "./scope";
import type { GrantStore, SharedAssignment, Triple } from "./store";

/**
 * Without PIM: a plain role assignment, named after (scope, role, principal), whose description lists the
 * grants it serves. Azure enforces no expiry here: Elevate's workflow and reconciler revoke.
 */
export function directStore(client: AuthorizationManagementClient, call: Caller): GrantStore {
  const read = async (t: Triple) => {
    const got = await call(
      "roleAssignments.get",
      (o) => client.roleAssignments.get(t.scope, name(t), o),
      notFound,
    );
    return isFailed(got) ? undefined : got;
  };
  // Lower-cased: ARM scopes are case-insensitive, and subscription-wide names predate narrow scopes.
  const name = (t: Triple) => assignmentName(t.scope.toLowerCase(), t.roleGuid, t.principal);
  const write = (t: Triple, description: string) =>
    call(
      "roleAssignments.create",
      (o) =>
        client.roleAssignments.create(
          t.scope,
          name(t),
          {
            roleDefinitionId: t.roleDefinitionId,
            principalId: t.principal,
            principalType: "User",
            description,
          },
          o,
        ),
      (f) => f.code === "RoleAssignmentExists",
    );

  return {
    async list(scope) {
      // No $filter: at, above and below the scope. atScope() is at or above only and would miss grants
      // assigned at a resource group or resource.
      const found = await call("roleAssignments.listForScope", (o) =>
        all(client.roleAssignments.listForScope(scope, o)),
      );
      if (isFailed(found)) return [];
      return found.flatMap((a: RoleAssignment): SharedAssignment[] => {
        const grants = parseGrants(a.description);
        if (!grants || !a.scope || !isWithin(a.scope, scope)) return [];
        const raw = {
          id: a.id,
          name: a.name,
          scope: a.scope,
          roleDefinitionId: a.roleDefinitionId,
          principalId: a.principalId,
          description: a.description,
        };
        return [
          {
            scope: a.scope,
            roleGuid: guidOfId(a.roleDefinitionId),
            principal: a.principalId ?? "",
            grants,
            active: true,
            raw,
          },
        ];
      });
    },

    async add(t, grantId, notAfter) {
      // Read-modify-write without an etag: read back and redo if a concurrent writer dropped our entry.
      for (let attempt = 0; attempt < 4; attempt++) {
        const current = await read(t);
        if (current && !parseGrants(current.description)) throw foreign();
        const grants = parseGrants(current?.description) ?? new Map();
        grants.set(grantId, notAfter.toISOString());
        if (!sameGrants(parseGrants(current?.description), grants)) {
          const put = await write(t, formatGrants(grants));
          if (isFailed(put) && !(await read(t))) throw foreign();
        }
        const after = await read(t);
        if (parseGrants(after?.description)?.get(grantId) === notAfter.toISOString()) return;
      }
      throw new CloudError(
        "retryable",
        "azure: the shared role assignment kept changing; grant entry not confirmed",
      );
    },

    async remove(t, current, grantId) {
      const grants = new Map(current.grants);
      grants.delete(grantId);
      if (grants.size > 0) {
        await write(t, formatGrants(grants));
        return;
      }
      await call(
        "roleAssignments.delete",
        (o) => client.roleAssignments.delete(t.scope, name(t), o),
        notFound,
      );
    },
  };
}

const foreign = () =>
  new CloudError(
    "permanent",
    "azure: the principal already holds this role through an assignment Elevate does not manage",
  );
