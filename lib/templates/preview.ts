import { and, asc, eq } from "drizzle-orm";
import { type Cloud, type Risk, targets } from "@/db/schema";
import { type BuiltRoleSpec, buildCheckedRoleSpec, kindOfPlaceholder } from "@/lib/catalog";
import { assertPermission, type Ctx } from "@/lib/ctx";
import { parseInput, Validation } from "@/lib/errors";
import { latestTemplateOrThrow } from "./queries";
import { PreviewTemplateInput } from "./schemas";
import { PLACEHOLDER_ACCOUNTS } from "./validate";

export type TemplatePreviewDto = Omit<BuiltRoleSpec, "riskLevel"> & {
  accountId: string;
  expiresAt: string;
  /** Highest risk of the permissions (from the catalog) and, for a template, what its author declared. */
  riskLevel: Risk | null;
  declaredRisk: Risk | null;
  template: { key: string; version: number } | null;
};

/** The template editor's preview: each cloud with permissions either previews or says why not. */
export type TemplatePreviews = Partial<Record<Cloud, TemplatePreviewDto | { error: string }>>;

/** The exact role document one cloud would receive for a template or explicit permissions. Changes nothing. */
export async function previewTemplate({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: PreviewTemplateInput;
}): Promise<TemplatePreviewDto> {
  assertPermission(ctx, "requests.read.own");
  const q = parseInput(PreviewTemplateInput, input);
  const template = q.key ? await latestTemplateOrThrow(ctx.db, ctx, q.key) : null;
  const permissions = q.permissions?.length ? q.permissions : (template?.permissions[q.cloud] ?? []);
  if (permissions.length === 0) throw Validation("cloud", `${template?.key} has no ${q.cloud} permissions`);
  const { accountId, note } = q.accountId
    ? { accountId: q.accountId, note: null }
    : await defaultAccount(ctx, q.cloud);
  const expiresAt = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + q.durationMinutes * 60_000);
  const spec = await buildCheckedRoleSpec(ctx, {
    cloud: q.cloud,
    permissions,
    resource: q.resource ?? null,
    accountId,
    resourceKind: template ? kindOfPlaceholder(template.placeholders[0]) : kindOfPlaceholder(q.resourceKind),
    expiresAt,
  });
  return {
    ...spec,
    notes: note ? [note, ...spec.notes] : spec.notes,
    accountId,
    expiresAt: expiresAt.toISOString(),
    declaredRisk: template?.risk ?? null,
    template: template ? { key: template.key, version: template.version } : null,
  };
}

async function defaultAccount(ctx: Ctx, cloud: Cloud): Promise<{ accountId: string; note: string | null }> {
  const [t] = await ctx.db
    .select({ name: targets.name, externalId: targets.externalId })
    .from(targets)
    .where(and(eq(targets.orgId, ctx.orgId), eq(targets.cloud, cloud)))
    .orderBy(asc(targets.name))
    .limit(1);
  return t
    ? { accountId: t.externalId, note: `Shown for target ${t.name} (${t.externalId})` }
    : {
        accountId: PLACEHOLDER_ACCOUNTS[cloud],
        note: "No target on this cloud yet: shown for a placeholder account",
      };
}
