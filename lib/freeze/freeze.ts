import { and, eq, inArray, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import {
  accessRequests,
  type FreezeDeny,
  type GrantStatus,
  grants,
  personFreezes,
  targets,
  users,
} from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { CloudError } from "@/lib/clouds/port";
import { adapterFor } from "@/lib/clouds/registry";
import { assertPermission, type Ctx } from "@/lib/ctx";
import { Forbidden, NotFound, parseInput } from "@/lib/errors";
import { GRANT_TERMINAL, LIVE_GRANT_STATUSES } from "@/lib/grants/grant-state";
import { principalFor } from "@/lib/grants/queries";
import { revokeGrant } from "@/lib/grants/revoke-grant";
import { logger } from "@/lib/log";
import { requestTransition } from "@/lib/requests/request-state";
import { systemCtx } from "@/lib/workflows/system-ctx";

export const FreezeInput = z.object({
  userId: z.uuid(),
  reason: z.string().trim().min(1, "is required").max(500),
});
export type FreezeInput = z.input<typeof FreezeInput>;
export const UnfreezeInput = z.object({ userId: z.uuid() });
export type UnfreezeInput = z.input<typeof UnfreezeInput>;

export type FreezeDto = {
  id: string;
  userId: string;
  status: "active" | "lifted";
  reason: string;
  frozenBy: string;
  grantIds: string[];
  revoked: { grantId: string; status: GrantStatus }[];
  denies: FreezeDeny[];
  cancelledRequestIds: string[];
  problems: string[];
  createdAt: string;
  liftedAt: string | null;
};

type FreezeRow = typeof personFreezes.$inferSelect;

const toDto = (
  row: FreezeRow,
  extra: Pick<FreezeDto, "revoked" | "cancelledRequestIds" | "problems">,
): FreezeDto => ({
  id: row.id,
  userId: row.userId,
  status: row.status,
  reason: row.reason,
  frozenBy: row.frozenBy,
  grantIds: row.grantIds,
  denies: row.denies,
  createdAt: row.createdAt.toISOString(),
  liftedAt: row.liftedAt?.toISOString() ?? null,
  ...extra,
});

const actorName = (ctx: Ctx) => (ctx.actor.type === "system" ? `system:${ctx.actor.job}` : ctx.actor.userId);

/**
 * Cuts all of one person's JIT access at once (a compromised account): their pending requests are
 * cancelled and new ones refused while frozen; on every GCP target where they hold a grant, an IAM deny
 * policy is created first (deny beats allow, so access stops before the bindings are gone); then every live
 * grant is revoked through the revocation verb, whose cloud side removes AWS roles behind a
 * revoke-older-sessions deny and Azure assignments. The deny policies are removed once the grants on
 * their target are gone (releaseFreezeDenies). Audited at each step. Admins only (`users.manage`).
 */
export async function freezePerson({ ctx, input }: { ctx: Ctx; input: FreezeInput }): Promise<FreezeDto> {
  assertPermission(ctx, "users.manage");
  assertPermission(ctx, "grants.revoke");
  const { userId, reason } = parseInput(FreezeInput, input);
  const [person] = await ctx.db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, userId), eq(users.orgId, ctx.orgId)));
  if (!person) throw NotFound("User");

  const live = await ctx.db
    .select({ id: grants.id, targetId: grants.targetId, roleSpec: grants.roleSpec })
    .from(grants)
    .where(
      and(
        eq(grants.orgId, ctx.orgId),
        eq(grants.userId, userId),
        inArray(grants.status, [...LIVE_GRANT_STATUSES]),
      ),
    );

  const { freeze, cancelled } = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(personFreezes)
      .values({ orgId: ctx.orgId, userId, reason, frozenBy: actorName(ctx), grantIds: live.map((g) => g.id) })
      .returning();
    const pending = await tx
      .select({ id: accessRequests.id, status: accessRequests.status })
      .from(accessRequests)
      .where(
        and(
          eq(accessRequests.orgId, ctx.orgId),
          eq(accessRequests.requesterId, userId),
          eq(accessRequests.status, "pending"),
        ),
      )
      .for("update");
    const cancelledIds: string[] = [];
    for (const r of pending) {
      const next = requestTransition(r.status, { type: "cancel" });
      if (!next.ok) continue;
      await tx
        .update(accessRequests)
        .set({ status: next.to, updatedAt: new Date() })
        .where(and(eq(accessRequests.id, r.id), eq(accessRequests.status, "pending")));
      await appendAudit(tx, ctx, {
        action: "request.cancelled",
        subjectType: "request",
        subjectId: r.id,
        data: { by: "freeze", freezeId: row.id },
      });
      cancelledIds.push(r.id);
    }
    await appendAudit(tx, ctx, {
      action: "person.frozen",
      subjectType: "user",
      subjectId: userId,
      data: { freezeId: row.id, reason, grantIds: row.grantIds, cancelledRequestIds: cancelledIds },
    });
    return { freeze: row, cancelled: cancelledIds };
  });

  // Deny first, per target whose adapter can (GCP), with the permissions the person's grants there hold.
  const problems: string[] = [];
  const denies: FreezeDeny[] = [];
  const byTarget = new Map<string, string[]>();
  for (const g of live)
    byTarget.set(g.targetId, [...(byTarget.get(g.targetId) ?? []), ...(g.roleSpec?.permissions ?? [])]);
  const targetRows = byTarget.size
    ? await ctx.db
        .select()
        .from(targets)
        .where(inArray(targets.id, [...byTarget.keys()]))
    : [];
  for (const target of targetRows) {
    const adapter = adapterFor(ctx.db, target);
    const permissions = [...new Set(byTarget.get(target.id) ?? [])];
    if (!adapter.denyPrincipal || permissions.length === 0) continue;
    try {
      const principal = await principalFor(ctx.db, ctx.orgId, userId, target);
      const out = await adapter.denyPrincipal(target, {
        policyId: `elevate-freeze-${freeze.id}`,
        principal,
        permissions,
      });
      denies.push({ targetId: target.id, policyName: out.policyName, removedAt: null });
    } catch (err) {
      problems.push(
        `${target.name}: deny policy not created: ${err instanceof CloudError ? err.message : String(err)}`,
      );
    }
  }
  if (denies.length > 0) {
    await ctx.db.update(personFreezes).set({ denies }).where(eq(personFreezes.id, freeze.id));
  }

  const revoked: FreezeDto["revoked"] = [];
  for (const g of live) {
    try {
      const dto = await revokeGrant({ ctx, input: { grantId: g.id, reason: `frozen: ${reason}` } });
      revoked.push({ grantId: g.id, status: dto.status });
    } catch (err) {
      problems.push(`grant ${g.id}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  await ctx.db.transaction(async (tx) =>
    appendAudit(tx, ctx, {
      action: "person.freeze_applied",
      subjectType: "user",
      subjectId: userId,
      data: { freezeId: freeze.id, denies, revoked, problems },
    }),
  );
  // With the inline driver the revocations have run by now: remove the denies that are no longer needed.
  await releaseFreezeDenies(ctx.db, ctx.orgId);
  const [row] = await ctx.db.select().from(personFreezes).where(eq(personFreezes.id, freeze.id));
  // The status the grants reached (revoked at once inline; revoking while Inngest works).
  const now = await ctx.db
    .select({ id: grants.id, status: grants.status })
    .from(grants)
    .where(inArray(grants.id, live.length ? live.map((g) => g.id) : [freeze.id]));
  const status = new Map(now.map((g) => [g.id, g.status]));
  return toDto(row, {
    revoked: revoked.map((r) => ({ grantId: r.grantId, status: status.get(r.grantId) ?? r.status })),
    cancelledRequestIds: cancelled,
    problems,
  });
}

/**
 * Removes each freeze's deny policies whose target no longer has a live grant of that freeze ("kept until
 * the grants are gone"). Run after a freeze and by the notification pass (lib/notify/loop.ts) for
 * revocations that finish later. A failure leaves the policy for the next pass.
 */
export async function releaseFreezeDenies(db: Db, orgId?: string): Promise<number> {
  const open = await db
    .select()
    .from(personFreezes)
    .where(orgId ? eq(personFreezes.orgId, orgId) : undefined);
  let removed = 0;
  for (const f of open) {
    if (!f.denies.some((d) => d.removedAt === null)) continue;
    const gs = f.grantIds.length
      ? await db
          .select({ targetId: grants.targetId, status: grants.status })
          .from(grants)
          .where(inArray(grants.id, f.grantIds))
      : [];
    const denies = [...f.denies];
    let changed = false;
    for (const [i, d] of denies.entries()) {
      if (d.removedAt !== null) continue;
      const stillLive = gs.some((g) => g.targetId === d.targetId && !GRANT_TERMINAL.has(g.status));
      if (stillLive && f.status === "active") continue;
      const [target] = await db.select().from(targets).where(eq(targets.id, d.targetId));
      try {
        if (target) await adapterFor(db, target).removeDeny?.(target, d.policyName);
        denies[i] = { ...d, removedAt: new Date().toISOString() };
        removed += 1;
        changed = true;
      } catch (err) {
        logger.warn(
          { freezeId: f.id, policy: d.policyName, err },
          "removing a freeze deny policy failed; will retry",
        );
      }
    }
    if (changed) {
      await db.transaction(async (tx) => {
        await tx.update(personFreezes).set({ denies }).where(eq(personFreezes.id, f.id));
        await appendAudit(tx, systemCtx(tx, f.orgId, "freeze"), {
          action: "person.freeze_denies_removed",
          subjectType: "user",
          subjectId: f.userId,
          data: { freezeId: f.id, denies },
        });
      });
    }
  }
  return removed;
}

/** Ends a person's freeze: new requests are accepted again; remaining deny policies are removed. */
export async function unfreezePerson({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: UnfreezeInput;
}): Promise<{ lifted: number }> {
  assertPermission(ctx, "users.manage");
  const { userId } = parseInput(UnfreezeInput, input);
  const lifted = await ctx.db.transaction(async (tx) => {
    const rows = await tx
      .update(personFreezes)
      .set({ status: "lifted", liftedAt: new Date() })
      .where(
        and(
          eq(personFreezes.orgId, ctx.orgId),
          eq(personFreezes.userId, userId),
          eq(personFreezes.status, "active"),
        ),
      )
      .returning({ id: personFreezes.id });
    if (rows.length === 0) throw NotFound("Active freeze for this user");
    await appendAudit(tx, ctx, {
      action: "person.unfrozen",
      subjectType: "user",
      subjectId: userId,
      data: { freezeIds: rows.map((r) => r.id) },
    });
    return rows.length;
  });
  await releaseFreezeDenies(ctx.db, ctx.orgId);
  return { lifted };
}

/** Refuses a new request from a frozen person. */
export async function assertNotFrozen(db: Db, orgId: string, userId: string): Promise<void> {
  const [row] = await db
    .select({ id: personFreezes.id })
    .from(personFreezes)
    .where(
      and(
        eq(personFreezes.orgId, orgId),
        eq(personFreezes.userId, userId),
        eq(personFreezes.status, "active"),
        isNull(personFreezes.liftedAt),
      ),
    )
    .limit(1);
  if (row) throw Forbidden("Your access is frozen by an administrator");
}
