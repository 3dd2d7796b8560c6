import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { grants } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import type { Ctx } from "@/lib/ctx";
import type { RequestRow } from "../requests/queries";
import { getGrantInOrgOrThrow } from "../requests/queries";

/** The one write of every extension: guarded on the expiry seen, audited, the cloud re-bind marked owed. */
export async function moveExpiry(
  tx: Db,
  ctx: Ctx,
  move: { grantId: string; from: Date; to: Date; data: Record<string, unknown> },
): Promise<boolean> {
  const now = new Date();
  const updated = await tx
    .update(grants)
    // nextAttemptAt marks the cloud re-bind as owed: the reconciler applies it if the workflow does not.
    .set({ expiresAt: move.to, nextAttemptAt: now, updatedAt: now })
    .where(
      and(
        eq(grants.id, move.grantId),
        eq(grants.orgId, ctx.orgId),
        eq(grants.status, "active"),
        eq(grants.expiresAt, move.from),
      ),
    )
    .returning({ id: grants.id });
  if (updated.length === 0) return false;
  await appendAudit(tx, ctx, {
    action: "grant.extended",
    subjectType: "grant",
    subjectId: move.grantId,
    data: { from: move.from.toISOString(), to: move.to.toISOString(), ...move.data },
  });
  return true;
}

export type AppliedExtension = { grantId: string; expiresAt: string } | null;

/**
 * An approved extension request (`extendsGrantId`) moves its grant's expiry by the approved minutes, inside
 * the approving transaction. A grant that has ended meanwhile is left alone: the approval stands as a
 * record and the audit says the extension was not applied (there is nothing left to extend).
 */
export async function applyApprovedExtension(
  tx: Db,
  ctx: Ctx,
  request: RequestRow,
): Promise<AppliedExtension> {
  const grantId = request.extendsGrantId;
  if (!grantId) return null;
  const g = await getGrantInOrgOrThrow(tx, ctx.orgId, grantId, { lock: true });
  const minutes = Math.floor(request.durationSeconds / 60);
  if (g.status !== "active" || !g.expiresAt || g.expiresAt.getTime() <= Date.now()) {
    await appendAudit(tx, ctx, {
      action: "grant.extension_not_applied",
      subjectType: "grant",
      subjectId: grantId,
      data: { extensionRequestId: request.id, minutes, reason: `the grant is ${g.status}` },
    });
    return null;
  }
  const to = new Date(g.expiresAt.getTime() + request.durationSeconds * 1000);
  // The row is locked: the guarded update cannot miss.
  await moveExpiry(tx, ctx, {
    grantId,
    from: g.expiresAt,
    to,
    data: {
      minutes,
      reason: request.justification,
      by: "approval",
      requestId: g.requestId,
      extensionRequestId: request.id,
    },
  });
  return { grantId, expiresAt: to.toISOString() };
}
