import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { grants } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { reserveRoleWithin } from "@/lib/capacity/room";
import { type BindingSpec, bindingIdFor, CloudError, type InspectResult } from "@/lib/clouds/port";
import { adapterFor } from "@/lib/clouds/registry";
import type { Ctx } from "@/lib/ctx";
import { parseInput } from "@/lib/errors";
import { grantTransition } from "@/lib/grants/grant-state";
import { logger } from "@/lib/log";
import { getGrantInOrgOrThrow, getTargetInOrgOrThrow } from "@/lib/requests/queries";
import { LEASE_MS, MAX_ATTEMPTS } from "./backoff";
import { bindingSpecFor } from "./binding-spec";
import { type CloudCheckEvidence, cloudCheckEvidence } from "./cloud-check";
import { effectiveAccessEvidence } from "./effective-access";
import { cleanupFailedProvision, onProvisionError } from "./provision-failure";
import { assertSystem, type GrantOutcome, type GrantRow, principalFor, reread, toOutcome } from "./queries";

export const ProvisionInput = z.object({ grantId: z.uuid() });
export type ProvisionInput = z.input<typeof ProvisionInput>;

/**
 * Makes a scheduled grant real: role (shared, reference-counted), per-grant binding with the cloud-enforced
 * expiry, read-back as evidence, then `active`. Safe to run twice or concurrently; a cloud failure is retried
 * with backoff, and a permanent one (or too many) cleans up and ends `failed` with nothing left behind.
 */
export async function provisionGrant({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ProvisionInput;
}): Promise<GrantOutcome> {
  assertSystem(ctx);
  const { grantId } = parseInput(ProvisionInput, input);
  const g = await claim(ctx, grantId);
  if (g.status !== "provisioning") return toOutcome(g);

  const target = await getTargetInOrgOrThrow(ctx.db, ctx.orgId, g.targetId);
  // Gave up earlier (permanent error or attempts exhausted) but the cleanup did not finish: finish it.
  if (g.attempts >= MAX_ATTEMPTS) return cleanupFailedProvision(ctx, g, target, g.lastError ?? "gave up");
  try {
    const adapter = adapterFor(ctx.db, target);
    const principal = await principalFor(ctx.db, ctx.orgId, g.userId, target);
    // Reference first, cloud second: the garbage collector never deletes a role someone is about to bind.
    // Within the target's role limit: room is made (or the grant fails clearly) before the reference.
    if (!(await reserveRoleWithin(ctx, target, g)))
      return toOutcome(await reread(ctx.db, ctx.orgId, grantId));
    const role = await adapter.ensureRole(target, g.roleSpec);
    const notAfter = new Date(Date.now() + g.durationSeconds * 1000);
    const binding = bindingSpecFor(g, role.roleName, principal, notAfter);
    const bound = await adapter.bind(target, binding);
    const seen = await adapter.inspect(target, bound.bindingId);
    if (!seen.present) throw new CloudError("retryable", "binding not visible on read-back after bind");
    const requestIds = [...role.requestIds, ...bound.requestIds, ...seen.requestIds];
    const bindingId = bound.bindingId;
    const cloudCheck = await cloudCheckEvidence(adapter, target, { ...binding, bindingId }, g.roleSpec);
    return await activate(ctx, g, { requestIds, bindingId, seen, notAfter, binding, cloudCheck });
  } catch (e) {
    return onProvisionError(ctx, g, target, e);
  }
}

/** scheduled → provisioning (audited) or renew the lease of a grant already provisioning. */
async function claim(ctx: Ctx, grantId: string): Promise<GrantRow> {
  return ctx.db.transaction(async (tx) => {
    const g = await getGrantInOrgOrThrow(tx, ctx.orgId, grantId, { lock: true });
    const now = new Date();
    const lease = { nextAttemptAt: new Date(now.getTime() + LEASE_MS), updatedAt: now };
    if (g.status === "provisioning") {
      const [row] = await tx.update(grants).set(lease).where(eq(grants.id, g.id)).returning();
      return row;
    }
    const next = grantTransition(g.status, { type: "start" });
    if (!next.ok) return g;
    const [row] = await tx
      .update(grants)
      .set({ status: next.to, bindingId: bindingIdFor(g.id), ...lease })
      .where(and(eq(grants.id, g.id), eq(grants.orgId, ctx.orgId), eq(grants.status, g.status)))
      .returning();
    await appendAudit(tx, ctx, {
      action: "grant.provisioning",
      subjectType: "grant",
      subjectId: g.id,
      data: { requestId: g.requestId, targetId: g.targetId, roleName: g.roleSpec.roleName },
    });
    return row;
  });
}

async function activate(
  ctx: Ctx,
  g: GrantRow,
  made: {
    requestIds: string[];
    bindingId: string;
    seen: InspectResult;
    notAfter: Date;
    binding: BindingSpec;
    cloudCheck?: CloudCheckEvidence;
  },
): Promise<GrantOutcome> {
  const now = new Date();
  const provision = {
    requestIds: made.requestIds,
    bindingId: made.bindingId,
    inspected: { present: made.seen.present, notAfter: made.seen.notAfter, raw: made.seen.raw },
    at: now.toISOString(),
    // Evaluated here, before the transaction: CPU work never holds a database transaction open.
    effective: effectiveAccessEvidence(g.roleSpec, { notAfter: made.notAfter, now }),
    ...(made.cloudCheck ? { cloudCheck: made.cloudCheck } : {}),
  };
  const activated = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(grants)
      .set({
        status: "active",
        activatedAt: now,
        // The database expiry is exactly the one the cloud enforces.
        expiresAt: made.notAfter,
        bindingId: made.bindingId,
        evidence: sql`${grants.evidence} || ${JSON.stringify({ provision })}::jsonb`,
        nextAttemptAt: null,
        lastError: null,
        updatedAt: now,
      })
      .where(and(eq(grants.id, g.id), eq(grants.orgId, ctx.orgId), eq(grants.status, "provisioning")))
      .returning();
    if (!row) return null;
    await appendAudit(tx, ctx, {
      action: "grant.activated",
      subjectType: "grant",
      subjectId: g.id,
      data: {
        bindingId: made.bindingId,
        expiresAt: made.notAfter.toISOString(),
        requestIds: made.requestIds,
      },
    });
    return row;
  });
  if (activated) return toOutcome(activated);

  const current = await reread(ctx.db, ctx.orgId, g.id);
  // Revoked or failed while we were binding: our binding explains nothing, take it away again.
  if (current.status === "revoked" || current.status === "failed") {
    const target = await getTargetInOrgOrThrow(ctx.db, ctx.orgId, g.targetId);
    await adapterFor(ctx.db, target)
      .unbind(target, made.bindingId)
      .catch((err: unknown) =>
        logger.warn({ grantId: g.id, err }, "orphan binding left for the drift check"),
      );
  }
  // A concurrent run (a duplicate event) activated first with its own expiry, and our later bind may have
  // moved the cloud's expiry past it: put the recorded one back, so the cloud never outlasts the grant.
  const recorded = current.expiresAt;
  if (current.status === "active" && recorded && recorded.getTime() !== made.notAfter.getTime()) {
    const target = await getTargetInOrgOrThrow(ctx.db, ctx.orgId, g.targetId);
    await adapterFor(ctx.db, target)
      .bind(target, { ...made.binding, notAfter: recorded })
      .catch((err: unknown) =>
        logger.error({ alert: true, grantId: g.id, err }, "binding may outlast the grant's expiry"),
      );
  }
  return toOutcome(current);
}
