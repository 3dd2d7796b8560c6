import { taskTemplates } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { assertPermission, type Ctx } from "@/lib/ctx";
import { Conflict, parseInput } from "@/lib/errors";
import type { SavedTemplateDto } from "./create";
import { diffTemplates, isEmptyDiff, type TemplateContent } from "./diff";
import { latestTemplateOrThrow, lockTemplateKey, toTemplateDto } from "./queries";
import { UpdateTemplateInput } from "./schemas";
import { assertDeclaredRisk, checkTemplatePermissions } from "./validate";

/**
 * Saves a new version of a template (old versions stay as they are: requests point at them). Optimistic
 * concurrency: `expectedVersion` must be the latest, unless the latest already holds exactly this content
 * (a retried save), which answers success without another version.
 */
export async function updateTemplate({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: UpdateTemplateInput;
}): Promise<SavedTemplateDto & { changed: boolean }> {
  assertPermission(ctx, "templates.edit");
  const { key, expectedVersion, permissions, ...fields } = parseInput(UpdateTemplateInput, input);
  const current = await latestTemplateOrThrow(ctx.db, ctx, key);
  const merged = { ...current.permissions, ...permissions };
  const checked = await checkTemplatePermissions(ctx, {
    aws: merged.aws ?? [],
    gcp: merged.gcp ?? [],
    azure: merged.azure ?? [],
  });
  assertDeclaredRisk(fields.risk ?? current.risk, checked);

  return ctx.db.transaction(async (tx) => {
    await lockTemplateKey(tx, ctx.orgId, key);
    const latest = await latestTemplateOrThrow(tx, ctx, key);
    const next: TemplateContent = {
      name: fields.name ?? latest.name,
      description: fields.description ?? latest.description,
      risk: fields.risk ?? latest.risk,
      placeholders: fields.placeholders ? [...new Set(fields.placeholders)] : latest.placeholders,
      permissions: checked.permissions,
    };
    const diff = diffTemplates(latest, next);
    if (isEmptyDiff(diff))
      return { ...toTemplateDto(latest), diff, expanded: checked.expanded, changed: false };
    if (latest.version !== expectedVersion)
      throw Conflict(
        `${key} changed since you opened it (now version ${latest.version}, you edited ${expectedVersion}); reload and reapply your edit`,
      );
    const [row] = await tx
      .insert(taskTemplates)
      // The owners belong to the key, not to one version's content (lib/templates/owner.ts).
      .values({ orgId: ctx.orgId, key, version: latest.version + 1, ...next, ownerGroup: latest.ownerGroup })
      .returning();
    await appendAudit(tx, ctx, {
      action: "template.updated",
      subjectType: "template",
      subjectId: row.id,
      data: { key, version: row.version, previousVersion: latest.version, diff },
    });
    return { ...toTemplateDto(row), diff, expanded: checked.expanded, changed: true };
  });
}
