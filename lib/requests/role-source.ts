import type { Cloud, CloudPermissions, Risk } from "@/db/schema";
import type { Catalog } from "@/lib/catalog/catalog";
import { kindOfPlaceholder, type ResourceKind } from "@/lib/catalog/resources";
import { maxRisk } from "@/lib/catalog/risk";
import { type BuiltRoleSpec, buildRoleSpec } from "@/lib/catalog/role-builder";
import { Validation } from "@/lib/errors";
import { AwsRegions } from "@/lib/targets/settings";

/** What a request asks for on one cloud: a template's list for that cloud, or its own expanded list. */
export type RoleSource = {
  kind: "template" | "explicit";
  permissions: string[];
  /** The template's declared risk; null for explicit permissions (their risk comes from the catalog). */
  risk: Risk | null;
  /** What a resource names: the template's placeholder, or the kind given with explicit permissions. */
  resourceKind: ResourceKind | null;
};

type TargetLike = { cloud: Cloud; externalId: string; settings?: Record<string, unknown> };

/** A request's permissions: explicit ones win (exactly one of the two is set, by a CHECK constraint). */
export function roleSourceOf(
  cloud: Cloud,
  template: { risk: Risk; permissions: CloudPermissions; placeholders: string[] } | null,
  explicit: string[] | null,
  explicitKind: string | null = null,
): RoleSource {
  if (explicit)
    return {
      kind: "explicit",
      permissions: explicit,
      risk: null,
      resourceKind: kindOfPlaceholder(explicitKind),
    };
  return {
    kind: "template",
    permissions: template?.permissions[cloud] ?? [],
    risk: template?.risk ?? null,
    resourceKind: kindOfPlaceholder(template?.placeholders[0]),
  };
}

/** AWS regions a target declares (`settings.regions`), written into its grants as a region condition. */
function targetRegions(target: TargetLike): string[] | undefined {
  const r = AwsRegions.safeParse(target.settings?.regions);
  return r.success ? r.data : undefined;
}

/**
 * The one role builder for submit, preview and grant (buildRoleSpec with the org's catalog): same inputs
 * give the same document, so the preview promises exactly what the grant will hold.
 */
export function buildRequestRole(
  target: TargetLike,
  source: RoleSource,
  resource: string | null,
  catalog: Catalog,
  expiresAt?: Date,
): BuiltRoleSpec {
  const templateWithoutKind = source.kind === "template" && source.resourceKind === null;
  if (resource !== null && templateWithoutKind && source.permissions.length > 0)
    throw Validation(
      "resource",
      "this task applies to the whole target and names no resource: leave it empty",
    );
  return buildRoleSpec({
    cloud: target.cloud,
    permissions: source.permissions,
    catalog,
    accountId: target.externalId,
    resource,
    resourceKind: source.resourceKind,
    regions: target.cloud === "aws" ? targetRegions(target) : undefined,
    expiresAt,
  });
}

/** Risk of explicit permissions: the highest catalog level; a name the catalog no longer knows counts as high. */
export function catalogRisk(catalog: Catalog, cloud: Cloud, permissions: string[]): Risk {
  return maxRisk(permissions.map((p) => catalog.get(cloud, p)?.riskLevel ?? "high"));
}

/**
 * A request's risk, as every list shows it: its template's declared risk, else the highest catalog risk of
 * its explicit permissions (high when neither can be read).
 */
export function requestRisk(
  catalog: Catalog | null,
  cloud: Cloud,
  template: { risk: Risk } | null,
  permissions: string[] | null,
): Risk {
  return template?.risk ?? (catalog && permissions ? catalogRisk(catalog, cloud, permissions) : "high");
}
