import { and, countDistinct, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { accessRequests, approvals, type RequestStatus } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { loadOrgCatalog } from "@/lib/catalog/load";
import { assertPermission, type Ctx, requirePerson } from "@/lib/ctx";
import { Conflict, Forbidden, parseInput } from "@/lib/errors";
import { applyApprovedExtension } from "@/lib/grants/approved-extension";
import { enforceRateLimits, RATE_LIMITS } from "@/lib/ratelimit/limits";
import { loadRequestDto, type RequestDto } from "./dto";
import { getRequestInOrgOrThrow, isGroupMember, type RequestRow } from "./queries";
import { requestAccepts, requestTransition } from "./request-state";
import { scheduleGrants } from "./schedule-grants";
import { DecideInput } from "./schemas";
import { assertFreshSignIn, stepUpRequired } from "./step-up";
import { canSeeRequest, refuse } from "./visibility";

/**
 * Approve or deny a pending request. The approver must hold `requests.approve` and be, right now, a member
 * of the request's approver group; nobody decides their own request, whatever channel they act through.
 */
export async function decideRequest({ ctx, input }: { ctx: Ctx; input: DecideInput }): Promise<RequestDto> {
  assertPermission(ctx, "requests.approve");
  const actor = requirePerson(ctx);
  await enforceRateLimits(ctx.db, [RATE_LIMITS.decidePerUser(actor.userId)]);
  const { requestId, verdict, comment, channel } = parseInput(DecideInput, input);

  // Read (and, on a cache miss, build) the catalog before the transaction: no CPU work while it holds locks.
  const catalog = verdict === "approve" ? await loadOrgCatalog(ctx.db, ctx.orgId) : null;
  let selfApproval = false;
  const { dto, grantIds, extended } = await ctx.db
    .transaction(async (tx) => {
      // The row lock serialises decisions on one request, so two last approvals cannot both miss the quorum.
      const request = await getRequestInOrgOrThrow(tx, ctx.orgId, requestId, { lock: true });
      if (request.requesterId === actor.userId) {
        selfApproval = true;
        throw Forbidden("You cannot decide your own request");
      }
      const groups = approverGroupsOf(request);
      if (!(await isMemberOfAny(tx, ctx.orgId, actor.userId, groups))) {
        const visible = await canSeeRequest(tx, ctx, request);
        throw refuse(
          visible,
          "Request",
          `Only members of the ${groups.map((g) => `"${g}"`).join(", ")} group${groups.length > 1 ? "s" : ""} can decide this request`,
        );
      }
      if (!requestAccepts(request.status, verdict))
        throw Conflict(`This request is already ${request.status}`);
      // Step-up: an approval that needs a fresh sign-in counts only with one (lib/requests/step-up.ts).
      if (verdict === "approve" && (await stepUpRequired(tx, request, catalog))) {
        await assertFreshSignIn(tx, actor, requestId);
      }

      const inserted = await tx
        .insert(approvals)
        .values({
          orgId: ctx.orgId,
          requestId,
          approverId: actor.userId,
          verdict,
          comment: comment || null,
          channel,
          // Evidence: the policy version and rules the request was judged by.
          policyVersion: request.policyOutcome?.policyVersion ?? null,
          ruleIds: request.policyOutcome?.ruleIds ?? null,
        })
        .onConflictDoNothing()
        .returning({ id: approvals.id });
      if (inserted.length === 0) throw Conflict("You have already decided this request");

      const counted = verdict === "approve" ? await countApprovals(tx, requestId) : 0;
      // Every approver group must supply an approval: until then the quorum is not met, whatever the count.
      const count =
        verdict === "approve" && !(await everyGroupApproved(tx, ctx.orgId, requestId, groups))
          ? Math.min(counted, request.approvalsRequired - 1)
          : counted;
      const next = requestTransition(
        request.status,
        verdict === "approve"
          ? { type: "approve", approvals: count, required: request.approvalsRequired }
          : { type: "deny" },
      );
      if (!next.ok) throw Conflict(next.reason);
      await guardedUpdate(tx, request, next.to);

      // An extension request moves its grant's expiry (lib/grants/approved-extension.ts); others get grants.
      const approved = next.to === "approved" && catalog !== null;
      const extended =
        approved && request.extendsGrantId ? await applyApprovedExtension(tx, ctx, request) : null;
      const grantIds =
        approved && !request.extendsGrantId ? await scheduleGrants(tx, ctx, request, catalog) : [];
      const action =
        next.to === "approved"
          ? "request.approved"
          : next.to === "denied"
            ? "request.denied"
            : "request.approval_recorded";
      await appendAudit(tx, ctx, {
        action,
        subjectType: "request",
        subjectId: requestId,
        data: {
          verdict,
          comment: comment || null,
          channel,
          approvals: count,
          required: request.approvalsRequired,
          approverGroup: request.approverGroup,
          approverGroups: groups,
          policyVersion: request.policyOutcome?.policyVersion ?? null,
          ruleIds: request.policyOutcome?.ruleIds ?? null,
          ...(grantIds.length > 0 ? { grantIds } : {}),
          ...(request.extendsGrantId
            ? { extendsGrantId: request.extendsGrantId, applied: extended !== null }
            : {}),
        },
      });
      return { dto: await loadRequestDto(tx, ctx.orgId, requestId), grantIds, extended };
    })
    .catch(async (error: unknown) => {
      // The refusal rolled the transaction back; its record goes in one of its own (compliance evidence, CC6.3).
      if (selfApproval) await auditSelfApprovalRefused(ctx, requestId, verdict, channel);
      throw error;
    });

  if (grantIds.length > 0) {
    await ctx.workflows.dispatch([{ name: "request.approved", orgId: ctx.orgId, requestId, grantIds }]);
  }
  if (extended) await ctx.workflows.dispatch([{ name: "grant.extended", orgId: ctx.orgId, ...extended }]);
  return dto;
}

async function auditSelfApprovalRefused(ctx: Ctx, requestId: string, verdict: string, channel: string) {
  await ctx.db.transaction((tx) =>
    appendAudit(tx, ctx, {
      action: "request.self_approval_refused",
      subjectType: "request",
      subjectId: requestId,
      data: { verdict, channel },
    }),
  );
}

async function countApprovals(tx: Db, requestId: string): Promise<number> {
  const [row] = await tx
    .select({ n: countDistinct(approvals.approverId) })
    .from(approvals)
    .where(and(eq(approvals.requestId, requestId), eq(approvals.verdict, "approve")));
  return row?.n ?? 0;
}

/** The approver groups the policy named for this request (older rows: their one group). */
function approverGroupsOf(request: RequestRow): string[] {
  const fromPolicy = request.policyOutcome?.decision.approverGroups ?? [];
  return fromPolicy.length > 0 ? fromPolicy : [request.approverGroup];
}

async function isMemberOfAny(tx: Db, orgId: string, userId: string, groups: string[]): Promise<boolean> {
  for (const g of groups) if (await isGroupMember(tx, orgId, userId, g)) return true;
  return false;
}

/** Has each group at least one approval from someone who is its member right now? */
async function everyGroupApproved(tx: Db, orgId: string, requestId: string, groups: string[]) {
  if (groups.length <= 1) return true;
  const approvers = await tx
    .select({ id: approvals.approverId })
    .from(approvals)
    .where(and(eq(approvals.requestId, requestId), eq(approvals.verdict, "approve")));
  for (const g of groups) {
    let covered = false;
    for (const a of approvers) if (!covered && (await isGroupMember(tx, orgId, a.id, g))) covered = true;
    if (!covered) return false;
  }
  return true;
}

/** UPDATE … WHERE status = 'pending'. The row is locked, so zero rows means our own view is stale: refuse. */
async function guardedUpdate(tx: Db, request: RequestRow, to: RequestStatus): Promise<void> {
  const now = new Date();
  const decided = to === "approved" || to === "denied";
  const updated = await tx
    .update(accessRequests)
    .set({ status: to, updatedAt: now, ...(decided ? { decidedAt: now } : {}) })
    .where(
      and(
        eq(accessRequests.id, request.id),
        eq(accessRequests.orgId, request.orgId),
        eq(accessRequests.status, request.status),
      ),
    )
    .returning({ id: accessRequests.id });
  if (updated.length === 0)
    throw Conflict("This request changed while you were deciding; reload and try again");
}
