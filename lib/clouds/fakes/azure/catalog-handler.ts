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

const kindsCache = new WeakMap<FakeAzureState["providerOperations"], Map<string, boolean>>();

/** Every operation the loaded catalog names, lower-cased, with its `isDataAction`. */
function operationKinds(state: FakeAzureState): Map<string, boolean> {
  const cached = kindsCache.get(state.providerOperations);
  if (cached) return cached;
  const kinds = new Map<string, boolean>();
  for (const p of state.providerOperations) {
    for (const op of [...p.operations, ...p.resourceTypes.flatMap((t) => t.operations)])
      kinds.set(op.name.toLowerCase(), op.isDataAction === true);
  }
  kindsCache.set(state.providerOperations, kinds);
  return kinds;
}

/**
 * What the catalog says an operation string (wildcards allowed) covers: data and/or control-plane
 * operations. Both false when the catalog does not know it: the fake then cannot judge and accepts.
 */
export function catalogCovers(state: FakeAzureState, operation: string): { data: boolean; control: boolean } {
  const kinds = operationKinds(state);
  const name = operation.toLowerCase();
  if (!name.includes("*")) {
    const data = kinds.get(name);
    return { data: data === true, control: data === false };
  }
  const re = new RegExp(`^${name.split("*").map(escapeRegExp).join(".*")}$`);
  const out = { data: false, control: false };
  for (const [op, data] of kinds) if (re.test(op)) out[data ? "data" : "control"] = true;
  return out;
}

const escapeRegExp = (s: string) => s.replace(/[.+?^${}()|[\]\\/]/g, "\\$&");
