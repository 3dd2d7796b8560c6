import { loadBaseCatalog } from "@/lib/catalog/load";
import { type BuildRoleInput, type BuiltRoleSpec, buildRoleSpec } from "@/lib/catalog/role-builder";

/** The built-in catalog, loaded once for tests and benches that build roles synchronously. */
export const baseCatalog = await loadBaseCatalog();

/** buildRoleSpec against the built-in catalog, with no resource kind unless given. */
export function testRoleSpec(
  input: Omit<BuildRoleInput, "catalog" | "resourceKind"> & Partial<Pick<BuildRoleInput, "resourceKind">>,
): BuiltRoleSpec {
  return buildRoleSpec({ resourceKind: null, ...input, catalog: baseCatalog });
}
