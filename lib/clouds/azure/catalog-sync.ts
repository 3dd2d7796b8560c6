import type { AuthorizationManagementClient } from "@azure/arm-authorization";
import type { CatalogExport } from "@/lib/clouds/port";
import { all, type Caller, isFailed } from "./call";
import { toCloudError } from "./errors";

/**
 * Azure's own catalog: the built-in role definitions visible at the subscription, and every operation of
 * every resource provider (`providerOperations?$expand=resourceTypes`), each collected over all its pages.
 */
export async function azureCatalogExports(
  client: AuthorizationManagementClient,
  call: Caller,
  scope: string,
): Promise<CatalogExport[]> {
  const definitions = strict(
    "roleDefinitions.list",
    await call("roleDefinitions.list", (o) =>
      all(client.roleDefinitions.list(scope, { ...o, filter: "type eq 'BuiltInRole'" })),
    ),
  );
  const providers = strict(
    "providerOperationsMetadata.list",
    await call("providerOperationsMetadata.list", (o) =>
      all(client.providerOperationsMetadataOperations.list({ ...o, expand: "resourceTypes" })),
    ),
  );
  // The shape `az role definition list` prints, so the importer reads a sync and a manual export alike.
  const roles = definitions
    .filter((d) => d.roleType === undefined || d.roleType === "BuiltInRole")
    .map((d) => ({
      name: d.name,
      roleName: d.roleName,
      roleType: d.roleType,
      description: d.description,
      permissions: d.permissions,
      assignableScopes: d.assignableScopes,
    }));
  return [
    { format: "az-role-definition-list", content: JSON.stringify(roles) },
    { format: "az-provider-operation-list", content: JSON.stringify(providers) },
  ];
}

function strict<T>(op: string, out: T | { failed: Parameters<typeof toCloudError>[1] }): T {
  if (isFailed(out)) throw toCloudError(op, out.failed);
  return out;
}
