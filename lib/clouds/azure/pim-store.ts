import type { AuthorizationManagementClient, RoleAssignmentScheduleRequest } from "@azure/arm-authorization";
import { all, type Caller, isFailed } from "./call";
import { formatGrants, type GrantEntries, latestExpiry, parseGrants, sameGrants } from "./grants-marker";
import { guidFrom, guidOfId } from "./ids";
import { isWithin } from "./scope";
import type { GrantStore, SharedAssignment, Triple } from "./store";

type Request = RoleAssignmentScheduleRequest;
/** Azure holds one assignment per (scope, role, principal); grants at different scopes never share one. */
const key = (scope: string, roleGuid: string, principal: string) =>
  `${scope.toLowerCase()}|${roleGuid}|${principal.toLowerCase()}`;

/**
 * With PIM (Entra ID P2): the assignment is a schedule with an end date, so Azure itself ends access.
 * Each change is a schedule request at the grant's scope whose justification lists the grants served;
 * the latest one per (scope, role, principal) is the current state. Request names chain on the previous request, so retrying the
 * same change reuses its name while later changes get new ones.
 */
export function pimStore(client: AuthorizationManagementClient, call: Caller): GrantStore {
  const requests = client.roleAssignmentScheduleRequests;

  /** The latest request per (scope, role, principal) at `scope` or below (no $filter: at, above, below). */
  async function latest(scope: string): Promise<Map<string, Request>> {
    const found = await call("roleAssignmentScheduleRequests.listForScope", (o) =>
      all(requests.listForScope(scope, o)),
    );
    const byTriple = new Map<string, Request>();
    if (isFailed(found)) return byTriple;
    const mine = found.filter(
      (r) =>
        parseGrants(r.justification) &&
        r.scope &&
        isWithin(r.scope, scope) &&
        r.status !== "Canceled" &&
        r.status !== "Failed",
    );
    mine.sort((a, b) => (a.createdOn?.getTime() ?? 0) - (b.createdOn?.getTime() ?? 0));
    for (const r of mine)
      byTriple.set(key(r.scope ?? "", guidOfId(r.roleDefinitionId), r.principalId ?? ""), r);
    return byTriple;
  }

  const toShared = (r: Request): SharedAssignment => {
    const end = r.scheduleInfo?.expiration?.endDateTime?.getTime() ?? 0;
    return {
      scope: r.scope ?? "",
      roleGuid: guidOfId(r.roleDefinitionId),
      principal: r.principalId ?? "",
      grants: parseGrants(r.justification) ?? new Map(),
      active: r.requestType !== "AdminRemove" && end > Date.now(),
      raw: {
        id: r.id,
        name: r.name,
        scope: r.scope,
        requestType: r.requestType,
        status: r.status,
        scheduleInfo: r.scheduleInfo,
        justification: r.justification,
      },
    };
  };

  async function submit(t: Triple, previous: Request | undefined, requestType: string, grants: GrantEntries) {
    const justification = formatGrants(grants);
    const name = guidFrom(
      `elevate-pim:${t.scope.toLowerCase()}:${t.roleGuid}:${t.principal}:${previous?.name ?? ""}:${requestType}:${justification}`,
    );
    const body: Request = {
      principalId: t.principal,
      roleDefinitionId: t.roleDefinitionId,
      requestType,
      justification,
    };
    if (requestType !== "AdminRemove") {
      body.scheduleInfo = {
        startDateTime: new Date(),
        expiration: { type: "AfterDateTime", endDateTime: latestExpiry(grants) },
      };
    }
    // The same name again means this exact change was already submitted (a retry after a lost answer).
    await call(
      "roleAssignmentScheduleRequests.create",
      (o) => requests.create(t.scope, name, body, o),
      (f) => /RequestExists$/.test(f.code ?? ""),
    );
  }

  return {
    async list(scope) {
      return [...(await latest(scope)).values()].map(toShared).filter((x) => x.active);
    },

    async add(t, grantId, notAfter) {
      const previous = (await latest(t.scope)).get(key(t.scope, t.roleGuid, t.principal));
      const current = previous ? toShared(previous) : undefined;
      const grants: GrantEntries = current?.active ? new Map(current.grants) : new Map();
      grants.set(grantId, notAfter.toISOString());
      if (current?.active && sameGrants(current.grants, grants)) return;
      await submit(t, previous, current?.active ? "AdminUpdate" : "AdminAssign", grants);
    },

    async remove(t, current, grantId) {
      const previous = (await latest(t.scope)).get(key(t.scope, t.roleGuid, t.principal));
      const grants = new Map(current.grants);
      grants.delete(grantId);
      await submit(t, previous, grants.size > 0 ? "AdminUpdate" : "AdminRemove", grants);
    },
  };
}
