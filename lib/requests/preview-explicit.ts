import type { Cloud } from "@/db/schema";
import { loadOrgCatalog } from "@/lib/catalog/load";
import type { Ctx } from "@/lib/ctx";
import { type ExplicitExpansion, expandExplicit, unknownPermissions } from "./explicit-permissions";

export type ExplicitPreview = Omit<ExplicitExpansion, "risk"> & {
  /** Names the catalog does not know, with close suggestions; submission refuses them. */
  unknown: { name: string; suggestions: string[] }[];
};

/**
 * Explicit permissions as submitRequest will check and store them. Unknown names are listed with
 * suggestions instead of failing, so the form can show them all while the requester types.
 */
export async function previewExplicit(
  ctx: Ctx,
  target: { cloud: Cloud },
  requested: string[],
): Promise<ExplicitPreview> {
  const catalog = await loadOrgCatalog(ctx.db, ctx.orgId);
  const unknown = unknownPermissions(catalog, target.cloud, requested);
  if (unknown.length) return { permissions: [], expanded: [], excluded: [], unknown };
  const { risk: _risk, ...expansion } = expandExplicit(catalog, target.cloud, requested);
  return { ...expansion, unknown };
}
