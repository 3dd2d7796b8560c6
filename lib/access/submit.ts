import { accessRequests } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { buildRoleSpec } from "@/lib/catalog/role-builder";
import { assertPermission, type Ctx, requirePerson } from "@/lib/ctx";
import { AppError, LimitExceeded, parseInput, Validation } from "@/lib/errors";
import { loadRequestDto, type RequestDto } from "./dto";
import { getActivePolicy, getTargetInOrgOrThrow, getTemplateInOrgOrThrow } from "./queries";
import { SubmitInput } from "./schemas";

/** Ask for access: records a pending request judged by the org's active policy. Nothing happens in a cloud. */
export async function submitRequest({ ctx, input }: { ctx: Ctx; input: SubmitInput }): Promise<RequestDto> {
  assertPermission(ctx, "requests.create");
  const actor = requirePerson(ctx);
  const data = parseInput(SubmitInput, input);

  return ctx.db.transaction(async (tx) => {
    const target = await getTargetInOrgOrThrow(tx, ctx.orgId, data.targetId);
    const template = await getTemplateInOrgOrThrow(tx, ctx.orgId, data.templateId);
    const policy = await getActivePolicy(tx, ctx.orgId);
    const rules = policy.document;

    const durationSeconds = data.durationMinutes * 60;
    if (durationSeconds > rules.maxDurationSeconds) {
      const max = Math.floor(rules.maxDurationSeconds / 60);
      throw LimitExceeded(
        `durationMinutes: at most ${max} minutes under the current policy`,
        "durationMinutes",
      );
    }
    if (rules.justificationRequired && data.justification.length === 0) {
      throw Validation("justification", "is required by the access policy");
    }
    assertBuildable(target, template, data.resource);

    const [row] = await tx
      .insert(accessRequests)
      .values({
        orgId: ctx.orgId,
        requesterId: actor.userId,
        targetId: target.id,
        templateId: template.id,
        resource: data.resource,
        durationSeconds,
        justification: data.justification,
        ticketUrl: data.ticketUrl,
        status: "pending",
        policyId: policy.id,
        approvalsRequired: rules.approvalsRequired,
        approverGroup: rules.approverGroup,
      })
      .returning();
    await appendAudit(tx, ctx, {
      action: "request.submitted",
      subjectType: "request",
      subjectId: row.id,
      data: {
        targetId: target.id,
        templateId: template.id,
        templateKey: template.key,
        templateVersion: template.version,
        resource: data.resource,
        durationMinutes: data.durationMinutes,
        justification: data.justification,
        ticketUrl: data.ticketUrl,
        policyId: policy.id,
        policyVersion: policy.version,
        approvalsRequired: rules.approvalsRequired,
        approverGroup: rules.approverGroup,
      },
    });
    return loadRequestDto(tx, ctx.orgId, row.id);
  });
}

/**
 * Builds the role spec now (pure, no cloud call) so a request that could never be granted — a template with
 * nothing for this cloud — fails at submission rather than at approval.
 */
function assertBuildable(
  target: { cloud: "aws" | "gcp" | "azure"; externalId: string },
  template: { permissions: Record<"aws" | "gcp" | "azure", string[]> },
  resource: string | null,
) {
  try {
    buildRoleSpec({
      cloud: target.cloud,
      permissions: template.permissions[target.cloud] ?? [],
      resource,
      accountId: target.externalId,
    });
  } catch (e) {
    if (e instanceof AppError && e.field === "permissions") {
      throw Validation("templateId", `this template cannot be granted on ${target.cloud}: ${e.message}`);
    }
    throw e;
  }
}
