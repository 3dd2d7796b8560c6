import { Validation } from "@/lib/errors";
import type { Catalog } from "./catalog";
import { AZURE_SCOPE_TYPE, type ParsedResource } from "./resources";

type AzureResource = Extract<ParsedResource, { cloud: "azure" }>;

/**
 * The resource type an operation acts on: `Microsoft.Compute/virtualMachines/login/action` acts on
 * `Microsoft.Compute/virtualMachines`, `…/containers/blobs/read` on `…/containers/blobs`.
 * https://learn.microsoft.com/en-us/azure/role-based-access-control/role-definitions#actions-format
 */
export function operationType(operation: string): string {
  const parts = operation.split("/");
  const last = parts.at(-1)?.toLowerCase();
  return parts.slice(0, last === "action" ? -2 : -1).join("/");
}

const within = (opType: string, scopeType: string) => {
  const a = opType.toLowerCase();
  const b = scopeType.toLowerCase();
  return a === b || a.startsWith(`${b}/`);
};

/** Operations split into actions and dataActions, as role definitions require (ARM refuses data in actions). */
export function azurePermissions(catalog: Catalog, permissions: string[]) {
  const actions: string[] = [];
  const dataActions: string[] = [];
  for (const p of permissions) (catalog.get("azure", p)?.dataAction ? dataActions : actions).push(p);
  return [{ actions, notActions: [], dataActions, notDataActions: [] }];
}

/**
 * Checks that every operation applies at the named resource's scope: on its type or a type inside it. An
 * assignment there never reaches a parent (a server's read at a database scope does nothing), so such
 * operations are refused with the reason rather than granted uselessly or widened silently.
 * https://learn.microsoft.com/en-us/azure/role-based-access-control/scope-overview
 */
export function azureAssignmentScope(permissions: string[], r: AzureResource): string {
  const scopeType = AZURE_SCOPE_TYPE[r.kind];
  if (!scopeType) throw Validation("resourceKind", `azure has no ${r.kind} scope`);
  const outside = permissions.filter((p) => !within(operationType(p), scopeType));
  if (outside.length)
    throw Validation(
      "permissions",
      `these act above or beside the ${r.kind} ${r.names.join("/")} and would do nothing at its scope: ${outside.join(", ")}. Leave them out or ask for them on their own resource`,
    );
  return r.scope;
}
