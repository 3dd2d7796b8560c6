import { and, eq, max, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { catalogPermissions, catalogRoles, catalogVersions } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { assertPermission, type Ctx } from "@/lib/ctx";
import { parseInput, Validation } from "@/lib/errors";
import { isElevateRole } from "./elevate-management";
import { type ImportFormat, parseImport } from "./importers";
import { ImportCatalogInput } from "./schemas";

export type CatalogVersionDto = {
  id: string;
  cloud: string;
  format: string;
  version: number;
  permissionCount: number;
  roleCount: number;
  added: number;
  removed: number;
  changes: { added: string[]; removed: string[] };
  createdAt: string;
};

const SAMPLE = 50;
const CHUNK = 1000;

/**
 * Imports one GCP or Azure catalog export for the org. The export replaces the previous import of the same
 * format; the new catalog version records what was added and removed. A malformed export changes nothing.
 */
export async function importCatalog({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ImportCatalogInput;
}): Promise<CatalogVersionDto> {
  assertPermission(ctx, "templates.edit");
  const { cloud, format, content } = parseInput(ImportCatalogInput, input);
  const parsed = parseImport(cloud, format as ImportFormat, content);
  if (parsed.entries.length === 0 && parsed.roles.length === 0)
    throw Validation("content", "the export holds no permissions or roles");
  // Elevate's own roles are never offered, so they never enter the catalog.
  const roles = parsed.roles.filter((r) => !isElevateRole(r.name));

  return ctx.db.transaction(async (tx) => {
    await tx.execute(
      sql`select pg_advisory_xact_lock(hashtext(${`catalog:${ctx.orgId}:${cloud}:${format}`}))`,
    );
    const scope = and(
      eq(catalogPermissions.orgId, ctx.orgId),
      eq(catalogPermissions.cloud, cloud),
      eq(catalogPermissions.format, format),
    );
    const before = new Set(
      (await tx.select({ name: catalogPermissions.name }).from(catalogPermissions).where(scope)).map(
        (r) => r.name,
      ),
    );
    const after = new Set(parsed.entries.map((e) => e.name));
    const added = [...after].filter((n) => !before.has(n)).sort();
    const removed = [...before].filter((n) => !after.has(n)).sort();
    const version = await nextVersion(tx, ctx.orgId, cloud, format);

    const [v] = await tx
      .insert(catalogVersions)
      .values({
        orgId: ctx.orgId,
        cloud,
        format,
        version,
        permissionCount: after.size,
        roleCount: roles.length,
        added: added.length,
        removed: removed.length,
        changes: { added: added.slice(0, SAMPLE), removed: removed.slice(0, SAMPLE) },
      })
      .returning();
    await tx.delete(catalogPermissions).where(scope);
    await tx
      .delete(catalogRoles)
      .where(
        and(
          eq(catalogRoles.orgId, ctx.orgId),
          eq(catalogRoles.cloud, cloud),
          eq(catalogRoles.format, format),
        ),
      );
    const rows = parsed.entries.map((e) => ({
      orgId: ctx.orgId,
      cloud,
      format,
      name: e.name,
      service: e.service,
      description: e.description,
      accessLevel: e.accessLevel,
      customRoleSupport: e.customRoleSupport ?? null,
      dataAction: e.dataAction === true,
      versionId: v.id,
    }));
    for (let i = 0; i < rows.length; i += CHUNK)
      await tx.insert(catalogPermissions).values(rows.slice(i, i + CHUNK));
    const roleRows = roles.map((r) => ({
      orgId: ctx.orgId,
      cloud,
      format,
      name: r.name,
      title: r.title,
      description: r.description,
      stage: r.stage,
      permissions: r.permissions,
      versionId: v.id,
    }));
    for (let i = 0; i < roleRows.length; i += 200)
      await tx.insert(catalogRoles).values(roleRows.slice(i, i + 200));

    await appendAudit(tx, ctx, {
      action: "catalog.imported",
      subjectType: "catalog_version",
      subjectId: v.id,
      data: {
        cloud,
        format,
        version,
        permissionCount: after.size,
        roleCount: roles.length,
        added: added.length,
        removed: removed.length,
      },
    });
    return toVersionDto(v);
  });
}

async function nextVersion(tx: Db, orgId: string, cloud: string, format: string): Promise<number> {
  const [row] = await tx
    .select({ v: max(catalogVersions.version) })
    .from(catalogVersions)
    .where(
      and(
        eq(catalogVersions.orgId, orgId),
        eq(catalogVersions.cloud, cloud as "gcp"),
        eq(catalogVersions.format, format),
      ),
    );
  return (row?.v ?? 0) + 1;
}

export function toVersionDto(v: typeof catalogVersions.$inferSelect): CatalogVersionDto {
  return { ...v, createdAt: v.createdAt.toISOString() };
}
