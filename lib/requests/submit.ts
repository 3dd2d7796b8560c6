import { accessRequests } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import type { Catalog } from "@/lib/catalog/catalog";
import { loadOrgCatalog } from "@/lib/catalog/load";
import { assertPermission, type Ctx, requirePerson } from "@/lib/ctx";
import { AppError, LimitExceeded, parseInput, Validation } from "@/lib/errors";
import { enforceRateLimits, personRules, RATE_LIMITS } from "@/lib/ratelimit/limits";
import { isTemplateArchived } from "@/lib/templates/archive";
import { loadRequestDto, type RequestDto } from "./dto";
import { expandExplicit } from "./explicit-permissions";
import { getActivePolicy, getTargetInOrgOrThrow, getTemplateInOrgOrThrow } from "./queries";
import { buildRequestRole, type RoleSource, roleSourceOf } from "./role-source";
import { SubmitInput } from "./schemas";

/** Ask for access: records a pending request judged by the org's active policy. Nothing happens in a cloud. */
export async function submitRequest({ ctx, input }: { ctx: Ctx; input: SubmitInput }): Promise<RequestDto> {
  assertPermission(ctx, "requests.create");
  const actor = requirePerson(ctx);
  // Per user and, through an API token, per token too: every channel (API, portal, Slack) counts here.
  await enforceRateLimits(ctx.db, personRules(actor, RATE_LIMITS.submitPerUser, RATE_LIMITS.submitPerToken));
  const data = parseInput(SubmitInput, input);
  const target = await getTargetInOrgOrThrow(ctx.db, ctx.orgId, data.targetId);
  const template = data.templateId ? await getTemplateInOrgOrThrow(ctx.db, ctx.orgId, data.templateId) : null;
  if (template && (await isTemplateArchived(ctx.db, ctx.orgId, template.key)))
    throw Validation(
      "templateId",
      "this template was archived by an access review and can no longer be requested",
    );
  // Expansion and the role build are CPU work: they run before the transaction, never while it holds locks.
  const catalog = await loadOrgCatalog(ctx.db, ctx.orgId);
  const explicit = data.permissions ? expandExplicit(catalog, target.cloud, data.permissions) : null;
  const source = roleSourceOf(
    target.cloud,
    template,
    explicit?.permissions ?? null,
    data.resourceKind ?? null,
  );
  assertBuildable(target, source, data.resource, catalog);

  return ctx.db.transaction(async (tx) => {
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
    const [row] = await tx
      .insert(accessRequests)
      .values({
        orgId: ctx.orgId,
        requesterId: actor.userId,
        targetId: target.id,
        templateId: template?.id ?? null,
        permissions: explicit?.permissions ?? null,
        resource: data.resource,
        // A template's kind is its placeholder; only explicit permissions carry their own.
        resourceKind: data.resource ? source.resourceKind : null,
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
        ...(template
          ? { templateId: template.id, templateKey: template.key, templateVersion: template.version }
          : {
              requestedPermissions: data.permissions,
              permissions: explicit?.permissions,
              risk: explicit?.risk,
            }),
        resource: data.resource,
        resourceKind: data.resource ? source.resourceKind : null,
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
  target: Parameters<typeof buildRequestRole>[0],
  source: RoleSource,
  resource: string | null,
  catalog: Catalog,
) {
  try {
    buildRequestRole(target, source, resource, catalog);
  } catch (e) {
    // Explicit permissions keep the builder's field; a template's problem is the template's.
    if (e instanceof AppError && e.field === "permissions" && source.kind === "template") {
      throw Validation("templateId", `this template cannot be granted on ${target.cloud}: ${e.message}`);
    }
    throw e;
  }
}
