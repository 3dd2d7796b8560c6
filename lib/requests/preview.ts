import { and, asc, eq, inArray, isNull, ne } from "drizzle-orm";
import type { z } from "zod";
import { groups, memberships, users } from "@/db/schema";
import { loadOrgCatalog } from "@/lib/catalog/load";
import { assertPermission, type Ctx, requirePerson } from "@/lib/ctx";
import { AppError, LimitExceeded, parseInput, Validation } from "@/lib/errors";
import { evaluate } from "@/lib/policies/evaluate";
import { factsFor, groupsOf } from "@/lib/policies/judge";
import { type ExplicitPreview, previewExplicit } from "./preview-explicit";
import { getActivePolicy, getTargetInOrgOrThrow, getTemplateInOrgOrThrow } from "./queries";
import { previewRole, type RolePreview } from "./role-preview";
import { requestRisk, roleSourceOf } from "./role-source";
import { RequestFields, templateOrPermissions } from "./schemas";

export const PreviewInput = RequestFields.pick({
  targetId: true,
  templateId: true,
  permissions: true,
  resource: true,
  resourceKind: true,
  durationMinutes: true,
}).superRefine(templateOrPermissions);
export type PreviewInput = z.input<typeof PreviewInput>;

export type RequestPreviewDto = {
  approval: { group: string; required: number; approvers: { id: string; name: string }[] };
  durationMinutes: number;
  maxMinutes: number;
  justificationRequired: boolean;
  /** Empty while explicit permissions include names the catalog does not know (see `explicit.unknown`). */
  roles: RolePreview[];
  /** For explicit permissions: what the wildcards expanded to, what was left out, what is unknown. */
  explicit: ExplicitPreview | null;
};

/**
 * "What will happen" before a submission: who must approve (current members of the policy's approver
 * group, minus the requester), for how long, and the exact role per target. Writes nothing.
 */
export async function previewRequest({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: PreviewInput;
}): Promise<RequestPreviewDto> {
  assertPermission(ctx, "requests.create");
  const actor = requirePerson(ctx);
  const data = parseInput(PreviewInput, input);
  const target = await getTargetInOrgOrThrow(ctx.db, ctx.orgId, data.targetId);
  const template = data.templateId ? await getTemplateInOrgOrThrow(ctx.db, ctx.orgId, data.templateId) : null;
  const policy = await getActivePolicy(ctx.db, ctx.orgId);
  // The single-target verdict for this requester (on-call and the clock are the submission's to judge).
  const catalog = await loadOrgCatalog(ctx.db, ctx.orgId);
  const risk = requestRisk(catalog, target.cloud, template, null);
  const rules = evaluate(policy.document, [
    factsFor(
      target,
      template?.key ?? null,
      risk,
      await groupsOf(ctx.db, ctx.orgId, actor.userId),
      template?.ownerGroup ?? null,
    ),
  ]).decision;
  const maxMinutes = Math.floor(rules.maxDurationSeconds / 60);
  if (data.durationMinutes > maxMinutes) {
    throw LimitExceeded(
      `durationMinutes: at most ${maxMinutes} minutes under the current policy`,
      "durationMinutes",
    );
  }

  const approvers = await ctx.db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(memberships)
    .innerJoin(groups, eq(groups.id, memberships.groupId))
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.orgId, ctx.orgId),
        eq(groups.orgId, ctx.orgId),
        inArray(groups.name, rules.approverGroups),
        ne(users.id, actor.userId),
        isNull(users.disabledAt),
      ),
    )
    .orderBy(asc(users.name));

  const explicit = data.permissions ? await previewExplicit(ctx, target, data.permissions) : null;
  // The binding's condition is shown as it would read if the grant started now.
  const expiresAt = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + data.durationMinutes * 60_000);
  let roles: RolePreview[] = [];
  try {
    if (explicit?.unknown.length === 0 || template) {
      const source = roleSourceOf(target.cloud, template, explicit?.permissions ?? null, data.resourceKind);
      roles = [await previewRole(ctx, target, source, data.resource, expiresAt)];
    }
  } catch (e) {
    // Same wording as submitRequest: the field is the template, not the builder's internal "permissions".
    if (e instanceof AppError && e.field === "permissions" && template) {
      throw Validation("templateId", `this template cannot be granted on ${target.cloud}: ${e.message}`);
    }
    throw e;
  }
  return {
    approval: {
      group: rules.approverGroups.join(", "),
      required: rules.approvalsRequired,
      approvers: [...new Map(approvers.map((a) => [a.id, { id: a.id, name: a.name ?? a.email }])).values()],
    },
    durationMinutes: data.durationMinutes,
    maxMinutes,
    justificationRequired: rules.justificationRequired,
    roles,
    explicit,
  };
}
