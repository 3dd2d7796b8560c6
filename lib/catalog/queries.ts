import { desc, eq } from "drizzle-orm";
import { catalogVersions } from "@/db/schema";
import { assertPermission, type Ctx } from "@/lib/ctx";
import { parseInput } from "@/lib/errors";
import { type CatalogVersionDto, toVersionDto } from "./import-catalog";
import { loadOrgCatalog } from "./load";
import { type BuildRoleInput, type BuiltRoleSpec, buildRoleSpec } from "./role-builder";
import { ExpandInput } from "./schemas";
import type { CatalogEntry } from "./types";
import { type Expansion, expandPermissions } from "./wildcard";

/** Catalog imports of the org, newest first. */
export async function listCatalogVersions({
  ctx,
}: {
  ctx: Ctx;
  input?: undefined;
}): Promise<CatalogVersionDto[]> {
  assertPermission(ctx, "requests.read.own");
  const rows = await ctx.db
    .select()
    .from(catalogVersions)
    .where(eq(catalogVersions.orgId, ctx.orgId))
    .orderBy(desc(catalogVersions.createdAt), desc(catalogVersions.version))
    .limit(100);
  return rows.map(toVersionDto);
}

export type PermissionDto = Pick<
  CatalogEntry,
  | "cloud"
  | "service"
  | "name"
  | "description"
  | "accessLevel"
  | "risk"
  | "riskLevel"
  | "customRoleSupport"
  | "dataAction"
>;

/** Expands wildcards against the org's catalog and describes each permission (what requesters and approvers see). */
export async function expandCatalogPermissions({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ExpandInput;
}): Promise<Omit<Expansion, "permissions"> & { permissions: PermissionDto[] }> {
  assertPermission(ctx, "requests.read.own");
  const { cloud, permissions } = parseInput(ExpandInput, input);
  const catalog = await loadOrgCatalog(ctx.db, ctx.orgId);
  const out = expandPermissions(catalog, cloud, permissions);
  return { ...out, permissions: out.permissions.map((p) => toPermissionDto(catalog.get(cloud, p)!)) };
}

/** The role builder against the org's catalog: expanded, validated, ARNs from resource types, limits checked. */
export async function buildCheckedRoleSpec(
  ctx: Ctx,
  input: Omit<BuildRoleInput, "catalog">,
): Promise<BuiltRoleSpec> {
  return buildRoleSpec({ ...input, catalog: await loadOrgCatalog(ctx.db, ctx.orgId) });
}

export function toPermissionDto(e: CatalogEntry): PermissionDto {
  const { cloud, service, name, description, accessLevel, risk, riskLevel, customRoleSupport, dataAction } =
    e;
  return { cloud, service, name, description, accessLevel, risk, riskLevel, customRoleSupport, dataAction };
}
