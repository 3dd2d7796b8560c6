import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { taskTemplates } from "@/db/schema";
import type { TemplateDto } from "@/lib/catalog/list";
import type { Ctx } from "@/lib/ctx";
import { NotFound } from "@/lib/errors";

export type TemplateRow = typeof taskTemplates.$inferSelect;
export type TemplateVersionDto = TemplateDto & { createdAt: string };

/** The newest version of a key in the org, or null. */
export async function latestTemplate(db: Db, orgId: string, key: string): Promise<TemplateRow | null> {
  const [row] = await db
    .select()
    .from(taskTemplates)
    .where(and(eq(taskTemplates.orgId, orgId), eq(taskTemplates.key, key)))
    .orderBy(desc(taskTemplates.version))
    .limit(1);
  return row ?? null;
}

export async function latestTemplateOrThrow(db: Db, ctx: Ctx, key: string): Promise<TemplateRow> {
  const row = await latestTemplate(db, ctx.orgId, key);
  if (!row) throw NotFound("Template");
  return row;
}

/** Serialises saves of one key, so version numbers never race (the unique index would only fail late). */
export async function lockTemplateKey(tx: Db, orgId: string, key: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`template:${orgId}:${key}`}))`);
}

export function toTemplateDto(r: TemplateRow): TemplateVersionDto {
  return {
    id: r.id,
    key: r.key,
    version: r.version,
    name: r.name,
    description: r.description,
    risk: r.risk,
    placeholders: r.placeholders,
    permissions: r.permissions,
    createdAt: r.createdAt.toISOString(),
  };
}
