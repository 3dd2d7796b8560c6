import type { Cloud, Risk } from "@/db/schema";
import type { Catalog } from "@/lib/catalog/catalog";
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
 * Expands explicit permissions against the org's catalog: unknown names (Validation on `permissions` with
 * suggestions), Elevate management refused, wildcards expanded within bounds. Pure CPU work: callers run it
 * before opening a transaction. The role builder then checks syntax, the resource and cloud limits.
 */
export function expandExplicit(catalog: Catalog, cloud: Cloud, requested: string[]): ExplicitExpansion {
  const out = expandPermissions(catalog, cloud, requested);
  return { ...out, risk: catalogRisk(catalog, cloud, out.permissions) };
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
