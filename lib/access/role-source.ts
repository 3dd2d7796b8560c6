import type { Cloud, CloudPermissions, Risk } from "@/db/schema";
import type { Catalog } from "@/lib/catalog/catalog";
import { maxRisk } from "@/lib/catalog/risk";
import { type BuiltRoleSpec, buildRoleSpec } from "@/lib/catalog/role-builder";

/** What a request asks for on one cloud: a template's list for that cloud, or its own expanded list. */
export type RoleSource = {
  kind: "template" | "explicit";
  permissions: string[];
  /** The template's declared risk; null for explicit permissions (their risk comes from the catalog). */
  risk: Risk | null;
};

type TargetLike = { cloud: Cloud; externalId: string };

/** A request's permissions: explicit ones win (exactly one of the two is set, by a CHECK constraint). */
export function roleSourceOf(
  cloud: Cloud,
  template: { risk: Risk; permissions: CloudPermissions } | null,
  explicit: string[] | null,
): RoleSource {
  if (explicit) return { kind: "explicit", permissions: explicit, risk: null };
  return { kind: "template", permissions: template?.permissions[cloud] ?? [], risk: template?.risk ?? null };
}

/**
 * The one role builder for submit, preview and grant: same inputs give the same document, so the preview
 * promises exactly what the grant will hold. Explicit lists are already expanded, so no catalog is needed.
 */
export function buildRequestRole(
  target: TargetLike,
  permissions: string[],
  resource: string | null,
): BuiltRoleSpec {
  return buildRoleSpec({ cloud: target.cloud, permissions, resource, accountId: target.externalId });
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
