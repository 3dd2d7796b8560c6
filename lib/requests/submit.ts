import { accessRequests } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import type { Catalog } from "@/lib/catalog/catalog";
import { loadOrgCatalog } from "@/lib/catalog/load";
import { assertPermission, type Ctx, requirePerson } from "@/lib/ctx";
import { AppError, Forbidden, LimitExceeded, parseInput, Validation } from "@/lib/errors";
import { assertNotFrozen } from "@/lib/freeze/freeze";
import { applyApprovedExtension } from "@/lib/grants/approved-extension";
import { globMatch } from "@/lib/iam/glob";
import { onCallDirectory } from "@/lib/oncall";
import { groupsOf, type Judgement, judge, outcomeOf } from "@/lib/policies/judge";
import { getActivePolicy } from "@/lib/policies/queries";
import { enforceRateLimits, personRules, RATE_LIMITS } from "@/lib/ratelimit/limits";
import { isTemplateArchived } from "@/lib/templates/archive";
import { breakGlassAlert } from "./break-glass";
import { loadRequestDto, type RequestDto } from "./dto";
import { expandExplicit } from "./explicit-permissions";
import { getTargetInOrgOrThrow, getTemplateInOrgOrThrow, type TargetRow } from "./queries";
import { buildRequestRole, type RoleSource, requestRisk, roleSourceOf } from "./role-source";
import { scheduleGrants } from "./schedule-grants";
import { SubmitInput } from "./schemas";

/**
 * Ask for access on one or several targets: the active policy judges the request over all of them (the
 * strictest combination wins). It is recorded pending, approved at once when a rule makes it automatic,
 * or self-activated when it is break-glass and the policy allows that. Cloud work happens after commit.
 */
export async function submitRequest({
  ctx,
  input,
  extending,
}: {
  ctx: Ctx;
  input: SubmitInput;
  /** Set by extendGrant only (never from input): the request asks to extend this grant of the requester's. */
  extending?: { grantId: string };
}): Promise<RequestDto> {
  assertPermission(ctx, "requests.create");
  const actor = requirePerson(ctx);
  // Per user and, through an API token, per token too: every channel (API, portal, Slack) counts here.
  await enforceRateLimits(ctx.db, personRules(actor, RATE_LIMITS.submitPerUser, RATE_LIMITS.submitPerToken));
  const data = parseInput(SubmitInput, input);
  await assertNotFrozen(ctx.db, ctx.orgId, actor.userId);
  const targetIds = data.targetIds ?? [data.targetId as string];
  const targets: TargetRow[] = [];
  for (const id of targetIds) targets.push(await getTargetInOrgOrThrow(ctx.db, ctx.orgId, id));
  const template = data.templateId ? await getTemplateInOrgOrThrow(ctx.db, ctx.orgId, data.templateId) : null;
  const cloud = targets[0].cloud;
  if (data.permissions && targets.some((t) => t.cloud !== cloud)) {
    throw Validation("targetIds", "explicit permissions name one cloud's actions: pick targets of one cloud");
  }
  if (template && (await isTemplateArchived(ctx.db, ctx.orgId, template.key)))
    throw Validation(
      "templateId",
      "this template was archived by an access review and can no longer be requested",
    );
  // Expansion and the role build are CPU work: they run before the transaction, never while it holds locks.
  const catalog = await loadOrgCatalog(ctx.db, ctx.orgId);
  const explicit = data.permissions ? expandExplicit(catalog, cloud, data.permissions) : null;
  let resourceKind: string | null = null;
  for (const target of targets) {
    const source = roleSourceOf(
      target.cloud,
      template,
      explicit?.permissions ?? null,
      data.resourceKind ?? null,
    );
    assertBuildable(target, source, data.resource, catalog);
    resourceKind = source.resourceKind;
  }
  const risk = requestRisk(catalog, cloud, template, explicit?.permissions ?? null);

  // Judged before the transaction: the on-call lookup is a network call (cached), never made holding locks.
  const policy = await getActivePolicy(ctx.db, ctx.orgId);
  const requesterGroups = await groupsOf(ctx.db, ctx.orgId, actor.userId);
  const judgement = await judge({
    document: policy.document,
    targets,
    templateKey: template?.key ?? null,
    templateOwnerGroup: template?.ownerGroup ?? null,
    risk,
    requesterGroups,
    requesterEmail: actor.email,
    now: new Date(),
    onCall: onCallDirectory(),
  });
  const durationSeconds = data.durationMinutes * 60;
  checkAgainstPolicy(judgement, data, durationSeconds);
  const { decision } = judgement;
  const breakGlass = data.breakGlass && !extending;
  const automatic = !breakGlass && judgement.auto !== null;
  const outcome = outcomeOf(policy, breakGlass ? { ...judgement, auto: null } : judgement, breakGlass);
  const now = new Date();

  const { dto, grantIds, requestId, extended } = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(accessRequests)
      .values({
        orgId: ctx.orgId,
        requesterId: actor.userId,
        targetId: targets[0].id,
        targetIds: targets.map((t) => t.id),
        templateId: template?.id ?? null,
        permissions: explicit?.permissions ?? null,
        resource: data.resource,
        // A template's kind is its placeholder; only explicit permissions carry their own.
        resourceKind: data.resource ? resourceKind : null,
        durationSeconds,
        justification: data.justification,
        ticketUrl: data.ticketUrl,
        status: breakGlass || automatic ? "approved" : "pending",
        decidedAt: breakGlass || automatic ? now : null,
        policyId: policy.id,
        approvalsRequired: decision.approvalsRequired,
        approverGroup: decision.approverGroups[0] ?? "",
        policyOutcome: outcome,
        breakGlass,
        reviewDueAt: breakGlass
          ? new Date(now.getTime() + decision.breakGlass.reviewWithinSeconds * 1000)
          : null,
        extendsGrantId: extending?.grantId ?? null,
      })
      .returning();
    await appendAudit(tx, ctx, {
      action: "request.submitted",
      subjectType: "request",
      subjectId: row.id,
      data: {
        targetId: targets[0].id,
        targetIds: row.targetIds,
        ...(template
          ? { templateId: template.id, templateKey: template.key, templateVersion: template.version }
          : {
              requestedPermissions: data.permissions,
              permissions: explicit?.permissions,
              risk: explicit?.risk,
            }),
        resource: data.resource,
        resourceKind: row.resourceKind,
        durationMinutes: data.durationMinutes,
        justification: data.justification,
        ticketUrl: data.ticketUrl,
        policyId: policy.id,
        policyVersion: policy.version,
        ruleIds: judgement.ruleIds,
        approvalsRequired: decision.approvalsRequired,
        approverGroup: row.approverGroup,
        approverGroups: decision.approverGroups,
        stepUp: decision.stepUp,
        ...(extending ? { extendsGrantId: extending.grantId } : {}),
      },
    });
    if (!breakGlass && !automatic) {
      return {
        dto: await loadRequestDto(tx, ctx.orgId, row.id),
        grantIds: [],
        requestId: row.id,
        extended: null,
      };
    }
    // An automatic extension moves its grant's expiry; any other approval creates grants.
    const extended = extending ? await applyApprovedExtension(tx, ctx, row) : null;
    const grantIds = extending ? [] : await scheduleGrants(tx, ctx, row, catalog);
    if (breakGlass) {
      // Exactly this action: the reports count it.
      await appendAudit(tx, ctx, {
        action: "request.break_glass",
        subjectType: "request",
        subjectId: row.id,
        data: {
          targetIds: row.targetIds,
          justification: data.justification,
          durationMinutes: data.durationMinutes,
          policyVersion: policy.version,
          ruleIds: judgement.ruleIds,
          reviewDueAt: row.reviewDueAt?.toISOString() ?? null,
          grantIds,
        },
      });
    } else {
      // An automatic decision, audited as one and naming the rules and conditions that made it.
      await appendAudit(tx, ctx, {
        action: "request.approved",
        subjectType: "request",
        subjectId: row.id,
        data: {
          automatic: true,
          reason: judgement.auto,
          policyVersion: policy.version,
          ruleIds: judgement.auto?.ruleIds ?? [],
          approvals: 0,
          required: 0,
          grantIds,
          ...(extending ? { extendsGrantId: extending.grantId, applied: extended !== null } : {}),
        },
      });
    }
    return { dto: await loadRequestDto(tx, ctx.orgId, row.id), grantIds, requestId: row.id, extended };
  });

  if (grantIds.length > 0) {
    await ctx.workflows.dispatch([
      { name: "request.approved", orgId: ctx.orgId, requestId, grantIds },
      ...(breakGlass ? [breakGlassAlert(ctx.orgId, dto, "activated")] : []),
    ]);
  }
  if (extended) await ctx.workflows.dispatch([{ name: "grant.extended", orgId: ctx.orgId, ...extended }]);
  return dto;
}

/** What the policy demands of the submission itself; refusals change nothing. */
function checkAgainstPolicy(
  j: Judgement,
  data: {
    durationMinutes: number;
    justification: string;
    ticketUrl: string | null | undefined;
    breakGlass: boolean;
  },
  durationSeconds: number,
) {
  const d = j.decision;
  if (d.deny) throw Forbidden(`The access policy does not allow this request: ${j.denyReasons.join("; ")}`);
  if (data.breakGlass) {
    if (!d.breakGlass.allowed) {
      throw Validation("breakGlass", "is not allowed by the access policy for this request");
    }
    if (durationSeconds > d.breakGlass.maxDurationSeconds) {
      throw LimitExceeded(
        `durationMinutes: break-glass access lasts at most ${Math.floor(d.breakGlass.maxDurationSeconds / 60)} minutes`,
        "durationMinutes",
      );
    }
    if (data.justification.length === 0)
      throw Validation("justification", "is required for break-glass access");
    return;
  }
  if (durationSeconds > d.maxDurationSeconds) {
    const max = Math.floor(d.maxDurationSeconds / 60);
    throw LimitExceeded(
      `durationMinutes: at most ${max} minutes under the current policy`,
      "durationMinutes",
    );
  }
  if (d.justificationRequired && data.justification.length === 0) {
    throw Validation("justification", "is required by the access policy");
  }
  const ticket = data.ticketUrl ?? "";
  if ((d.ticketRequired || d.ticketPatterns.length > 0) && ticket.length === 0) {
    throw Validation("ticketUrl", "is required by the access policy");
  }
  for (const pattern of d.ticketPatterns) {
    // A bounded glob (lib/iam/glob.ts), never a regular expression built from the document.
    if (!globMatch(pattern, ticket, { ignoreCase: true })) {
      throw Validation("ticketUrl", `must match ${pattern} under the access policy`);
    }
  }
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
