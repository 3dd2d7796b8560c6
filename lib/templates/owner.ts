import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { groups, taskTemplates } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { assertPermission, type Ctx } from "@/lib/ctx";
import { parseInput, Validation } from "@/lib/errors";
import { latestTemplateOrThrow, lockTemplateKey } from "./queries";
import { TemplateKey } from "./schemas";

export const SetTemplateOwnerInput = z.object({
  key: TemplateKey,
  /** A group of the organization (from the directory or sign-in claims); empty or null clears it. */
  ownerGroup: z
    .string()
    .trim()
    .max(200)
    .nullable()
    .transform((v) => v || null),
});
export type SetTemplateOwnerInput = z.input<typeof SetTemplateOwnerInput>;
export type TemplateOwnerDto = { key: string; ownerGroup: string | null };

/** Who owns a template key: the group `$templateOwners` in a policy's approver groups stands for. */
export async function getTemplateOwner({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { key: string };
}): Promise<TemplateOwnerDto> {
  assertPermission(ctx, "templates.edit");
  const { key } = parseInput(z.object({ key: TemplateKey }), input);
  const latest = await latestTemplateOrThrow(ctx.db, ctx, key);
  return { key, ownerGroup: latest.ownerGroup };
}

/**
 * Sets a template's owner group on every version of its key: ownership is governance, not content, so it
 * makes no new version and applies to requests of older versions too. The group must exist in the org.
 */
export async function setTemplateOwner({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: SetTemplateOwnerInput;
}): Promise<TemplateOwnerDto> {
  assertPermission(ctx, "templates.edit");
  const { key, ownerGroup } = parseInput(SetTemplateOwnerInput, input);
  return ctx.db.transaction(async (tx) => {
    await lockTemplateKey(tx, ctx.orgId, key);
    const latest = await latestTemplateOrThrow(tx, ctx, key);
    if (ownerGroup) {
      const [g] = await tx
        .select({ id: groups.id })
        .from(groups)
        .where(and(eq(groups.orgId, ctx.orgId), eq(groups.name, ownerGroup)));
      if (!g) throw Validation("ownerGroup", `no group named "${ownerGroup}" in this organization`);
    }
    if (latest.ownerGroup === ownerGroup) return { key, ownerGroup };
    await tx
      .update(taskTemplates)
      .set({ ownerGroup })
      .where(and(eq(taskTemplates.orgId, ctx.orgId), eq(taskTemplates.key, key)));
    await appendAudit(tx, ctx, {
      action: "template.owner_changed",
      subjectType: "template",
      subjectId: latest.id,
      data: { key, from: latest.ownerGroup, to: ownerGroup },
    });
    return { key, ownerGroup };
  });
}
