import { taskTemplates } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { assertPermission, type Ctx } from "@/lib/ctx";
import { Conflict, parseInput } from "@/lib/errors";
import { diffTemplates, type TemplateDiff } from "./diff";
import { latestTemplate, lockTemplateKey, type TemplateVersionDto, toTemplateDto } from "./queries";
import { CreateTemplateInput } from "./schemas";
import { assertDeclaredRisk, checkTemplatePermissions } from "./validate";

export type SavedTemplateDto = TemplateVersionDto & {
  diff: TemplateDiff;
  /** Wildcards as written and what they expanded to (stored expanded). */
  expanded: Awaited<ReturnType<typeof checkTemplatePermissions>>["expanded"];
};

/** Creates version 1 of a new template key, its permissions checked against the org's catalog. */
export async function createTemplate({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: CreateTemplateInput;
}): Promise<SavedTemplateDto> {
  assertPermission(ctx, "templates.edit");
  const { key, ...fields } = parseInput(CreateTemplateInput, input);
  const checked = await checkTemplatePermissions(ctx, fields.permissions);
  assertDeclaredRisk(fields.risk, checked);
  const content = {
    ...fields,
    placeholders: [...new Set(fields.placeholders)],
    permissions: checked.permissions,
  };
  return ctx.db.transaction(async (tx) => {
    await lockTemplateKey(tx, ctx.orgId, key);
    if (await latestTemplate(tx, ctx.orgId, key))
      throw Conflict(`A template with key ${key} already exists; edit it to save a new version`);
    const [row] = await tx
      .insert(taskTemplates)
      .values({ orgId: ctx.orgId, key, version: 1, ...content })
      .returning();
    const diff = diffTemplates(null, content);
    await appendAudit(tx, ctx, {
      action: "template.created",
      subjectType: "template",
      subjectId: row.id,
      data: { key, version: 1, diff },
    });
    return { ...toTemplateDto(row), diff, expanded: checked.expanded };
  });
}
