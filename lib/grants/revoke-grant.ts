import { and, eq } from "drizzle-orm";
import { type GrantStatus, grants } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { type Ctx, hasPermission, isPerson } from "@/lib/ctx";
import { Conflict, parseInput } from "@/lib/errors";
import { type GrantDto, loadGrantDto } from "../requests/dto";
import { getGrantInOrgOrThrow } from "../requests/queries";
import { canSeeGrant, refuse } from "../requests/visibility";
import { grantTransition, REVOKING_GRANT_STATUSES } from "./grant-state";
import { RevokeGrantInput } from "./schemas";

// Revocation already asked for (or done): asking again is success and records nothing new.
const ALREADY_REVOKING: ReadonlySet<GrantStatus> = new Set([...REVOKING_GRANT_STATUSES, "revoked"]);

/**
 * "Revoke now" by someone holding `grants.revoke`, or "give back early" by the grant's own user. Marks the
 * grant `revoking`; the cloud side runs in the workflow (executeRevocation), started after the commit.
 */
export async function revokeGrant({ ctx, input }: { ctx: Ctx; input: RevokeGrantInput }): Promise<GrantDto> {
  const { grantId, reason } = parseInput(RevokeGrantInput, input);

  const { dto, requested } = await ctx.db.transaction(async (tx) => {
    const grant = await getGrantInOrgOrThrow(tx, ctx.orgId, grantId, { lock: true });
    const isOwner = isPerson(ctx.actor) && ctx.actor.userId === grant.userId;
    if (!isOwner && !hasPermission(ctx, "grants.revoke")) {
      throw refuse(canSeeGrant(ctx, grant), "Grant", "Only an admin or the grant's own user can revoke it");
    }
    if (ALREADY_REVOKING.has(grant.status))
      return { dto: await loadGrantDto(tx, ctx.orgId, grantId), requested: false };

    const next = grantTransition(grant.status, { type: "revoke" });
    if (!next.ok) throw Conflict(`This grant cannot be revoked: ${next.reason}`);
    const now = new Date();
    const updated = await tx
      .update(grants)
      .set({ status: next.to, revokeReason: reason, nextAttemptAt: now, updatedAt: now })
      .where(and(eq(grants.id, grantId), eq(grants.orgId, ctx.orgId), eq(grants.status, grant.status)))
      .returning({ id: grants.id });
    if (updated.length === 0) {
      const current = await getGrantInOrgOrThrow(tx, ctx.orgId, grantId);
      if (!ALREADY_REVOKING.has(current.status)) throw Conflict(`This grant is ${current.status}`);
      return { dto: await loadGrantDto(tx, ctx.orgId, grantId), requested: false };
    }
    await appendAudit(tx, ctx, {
      action: "grant.revoke_requested",
      subjectType: "grant",
      subjectId: grantId,
      data: {
        reason,
        from: grant.status,
        by: isOwner ? "owner" : ctx.actor.type === "system" ? "system" : "admin",
        requestId: grant.requestId,
      },
    });
    return { dto: await loadGrantDto(tx, ctx.orgId, grantId), requested: true };
  });

  if (requested)
    await ctx.workflows.dispatch([{ name: "grant.revoke.requested", orgId: ctx.orgId, grantId }]);
  return dto;
}
