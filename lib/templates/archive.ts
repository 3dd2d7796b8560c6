import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { templateArchives } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { assertPermission, type Ctx } from "@/lib/ctx";
import { NotFound, Validation } from "@/lib/errors";
import { latestTemplate } from "./queries";

/**
 * Archives a template key: it leaves the catalog and new requests for it are refused; grants already made
 * run their course, and the versions stay for history and evidence. Archiving twice changes nothing.
 */
export async function archiveTemplate({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { key: string; reason?: string };
}): Promise<{ key: string; archived: boolean }> {
  assertPermission(ctx, "templates.edit");
  const key = input.key.trim();
  if (!key) throw Validation("key", "is required");
  return ctx.db.transaction(async (tx) => {
    if (!(await latestTemplate(tx, ctx.orgId, key))) throw NotFound("Template");
    const inserted = await tx
      .insert(templateArchives)
      .values({
        orgId: ctx.orgId,
        key,
        reason: input.reason ?? null,
        archivedBy: ctx.actor.type === "system" ? null : ctx.actor.userId,
      })
      .onConflictDoNothing()
      .returning({ key: templateArchives.key });
    if (inserted.length > 0)
      await appendAudit(tx, ctx, {
        action: "template.archived",
        subjectType: "template",
        subjectId: key,
        data: { reason: input.reason ?? null },
      });
    return { key, archived: true };
  });
}

export async function isTemplateArchived(db: Db, orgId: string, key: string): Promise<boolean> {
  const [row] = await db
    .select({ key: templateArchives.key })
    .from(templateArchives)
    .where(and(eq(templateArchives.orgId, orgId), eq(templateArchives.key, key)));
  return Boolean(row);
}
