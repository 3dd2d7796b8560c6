import type { FakeReply, FakeRequest } from "@/lib/clouds/fakes/gcp/fake-http";
import type { FakeAzureState } from "./state";

const AUTH = "/providers/Microsoft.Authorization";

/** ARM paging: `value` plus an absolute `nextLink` carrying a `$skipToken` (an offset here). */
function paged<T>(state: FakeAzureState, req: FakeRequest, base: string, items: T[]): FakeReply {
  const start = Number(req.query.get("$skipToken") ?? 0) || 0;
  const end = start + state.catalogPageSize;
  let nextLink: string | undefined;
  if (end < items.length) {
    const q = new URLSearchParams(req.query);
    q.set("$skipToken", String(end));
    nextLink = `${base}${req.path}?${q}`;
  }
  return { status: 200, body: { value: items.slice(start, end), ...(nextLink ? { nextLink } : {}) } };
}

/** `GET {scope}/providers/Microsoft.Authorization/roleDefinitions?$filter=type eq 'BuiltInRole'`. */
export function listBuiltInRoles(state: FakeAzureState, req: FakeRequest, base: string, scope: string) {
  const roles = state.builtInDefinitions.map((d) => ({
    id: `${scope}${AUTH}/roleDefinitions/${d.guid}`,
    name: d.guid,
    type: "Microsoft.Authorization/roleDefinitions",
    properties: {
      roleName: d.roleName,
      description: d.description,
      type: "BuiltInRole",
      permissions: d.permissions,
      assignableScopes: ["/"],
      createdOn: d.createdOn,
    },
  }));
  return paged(state, req, base, roles);
}

/** `GET /providers/Microsoft.Authorization/providerOperations`; operations per resource type only on `$expand`. */
export function listProviderOperations(state: FakeAzureState, req: FakeRequest, base: string) {
  const expand = req.query.get("$expand") === "resourceTypes";
  const providers = state.providerOperations.map((p) => ({
    id: `${AUTH}/providerOperations/${p.name}`,
    name: p.name,
    type: "Microsoft.Authorization/providerOperations",
    displayName: p.displayName,
    operations: p.operations,
    ...(expand ? { resourceTypes: p.resourceTypes } : {}),
  }));
  return paged(state, req, base, providers);
}
