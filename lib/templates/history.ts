import { and, desc, eq } from "drizzle-orm";
import { taskTemplates } from "@/db/schema";
import { assertPermission, type Ctx } from "@/lib/ctx";
import { NotFound, parseInput } from "@/lib/errors";
import { diffTemplates, type TemplateDiff } from "./diff";
import { type TemplateVersionDto, toTemplateDto } from "./queries";
import { TemplateKeyInput } from "./schemas";

export type TemplateHistoryDto = {
  key: string;
  /** Newest first; each version's diff is against the one before it (version 1: against nothing). */
  versions: (TemplateVersionDto & { diff: TemplateDiff })[];
};

/** Every version of a template with what each save changed. Anyone who may request can see templates. */
export async function getTemplateHistory({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: TemplateKeyInput;
}): Promise<TemplateHistoryDto> {
  assertPermission(ctx, "requests.read.own");
  const { key } = parseInput(TemplateKeyInput, input);
  const rows = await ctx.db
    .select()
    .from(taskTemplates)
    .where(and(eq(taskTemplates.orgId, ctx.orgId), eq(taskTemplates.key, key)))
    .orderBy(desc(taskTemplates.version));
  if (rows.length === 0) throw NotFound("Template");
  return {
    key,
    versions: rows.map((r, i) => ({ ...toTemplateDto(r), diff: diffTemplates(rows[i + 1] ?? null, r) })),
  };
}
