import type { Db } from "@/db/client";
import type { Cloud, Risk } from "@/db/schema";
import type { Catalog } from "@/lib/catalog/catalog";
import { loadOrgCatalog } from "@/lib/catalog/load";
import { buildRoleSpec } from "@/lib/catalog/role-builder";
import { expandPermissions, isPattern, suggest } from "@/lib/catalog/wildcard";
import { catalogRisk } from "./role-source";

export type ExplicitExpansion = {
  /** Expanded, de-duplicated, sorted catalog names: what is stored and granted. */
  permissions: string[];
  expanded: { pattern: string; matches: string[] }[];
  /** Elevate-management permissions a wildcard matched and that were left out. */
  excluded: string[];
  risk: Risk;
};

/**
 * Checks explicit permissions against the org's catalog with the checked role builder: syntax, unknown
 * names (Validation on `permissions` with suggestions), Elevate management refused, wildcards expanded,
 * cloud limits. Throws AppError naming `permissions` or `resource`.
 */
export async function expandExplicit(
  db: Db,
  orgId: string,
  target: { cloud: Cloud; externalId: string },
  requested: string[],
  resource: string | null,
  catalog?: Catalog,
): Promise<ExplicitExpansion> {
  const cat = catalog ?? (await loadOrgCatalog(db, orgId));
  const spec = buildRoleSpec({
    cloud: target.cloud,
    permissions: requested,
    resource,
    accountId: target.externalId,
    catalog: cat,
  });
  return {
    permissions: spec.permissions,
    expanded: spec.expanded,
    // Valid by now (the builder expanded the same list); only the left-out names are still needed.
    excluded: spec.expanded.length ? expandPermissions(cat, target.cloud, requested).excluded : [],
    risk: catalogRisk(cat, target.cloud, spec.permissions),
  };
}

/** Names the catalog does not know, with close suggestions (patterns are left to the expansion). */
export function unknownPermissions(
  catalog: Catalog,
  cloud: Cloud,
  requested: string[],
): { name: string; suggestions: string[] }[] {
  const seen = new Set<string>();
  const out: { name: string; suggestions: string[] }[] = [];
  for (const raw of requested) {
    const name = raw.trim();
    if (!name || isPattern(name) || seen.has(name) || catalog.has(cloud, name)) continue;
    seen.add(name);
    out.push({ name, suggestions: suggest(catalog, cloud, name) });
  }
  return out;
}
