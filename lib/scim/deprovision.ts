import { and, eq, inArray, isNotNull, or } from "drizzle-orm";
import type { Db } from "@/db/client";
import { grants, personFreezes, scimUsers, users } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { disableUser } from "@/lib/auth/disable-user";
import type { Ctx } from "@/lib/ctx";
import { freezePerson } from "@/lib/freeze";
import { logger } from "@/lib/log";
import type { WorkflowDriver } from "@/lib/workflows/port";
import { systemCtx } from "@/lib/workflows/system-ctx";

/** The audit actor of every change the directory makes: `system` / `directory`. */
export const DIRECTORY_JOB = "directory";
const FROZEN_BY = `system:${DIRECTORY_JOB}`;
// Grants a freeze still has to cut; `revoking`/`revoke_stuck` are already being removed and retried.
const CUTTABLE = ["scheduled", "provisioning", "active"] as const;

/**
 * Cuts a deprovisioned person's access through the freeze path (lib/freeze): pending requests cancelled,
 * a GCP deny first, every live grant revoked on every target, audited with the directory as actor. The
 * user is already disabled and signed out (same transaction as the SCIM change); this runs after commit
 * because it calls the clouds. If it fails, reconcileDirectory finishes it on the next reconciler pass.
 */
export async function deprovisionPerson(ctx: Ctx, userId: string, why: string) {
  try {
    return await freezePerson({ ctx, input: { userId, reason: `directory: ${why}` } });
  } catch (err) {
    logger.error(
      { err, orgId: ctx.orgId, userId },
      "directory deprovisioning failed; the reconciler retries",
    );
    return null;
  }
}

/** Reverses the disable of a person the directory reactivates, and lifts the freezes it placed. */
export async function reactivatePerson(tx: Db, ctx: Ctx, userId: string): Promise<void> {
  const enabled = await tx
    .update(users)
    .set({ disabledAt: null })
    .where(and(eq(users.id, userId), eq(users.orgId, ctx.orgId), isNotNull(users.disabledAt)))
    .returning({ id: users.id });
  const lifted = await tx
    .update(personFreezes)
    .set({ status: "lifted", liftedAt: new Date() })
    .where(
      and(
        eq(personFreezes.orgId, ctx.orgId),
        eq(personFreezes.userId, userId),
        eq(personFreezes.status, "active"),
        eq(personFreezes.frozenBy, FROZEN_BY),
      ),
    )
    .returning({ id: personFreezes.id });
  if (enabled.length || lifted.length) {
    await appendAudit(tx, ctx, {
      action: "user.enabled",
      subjectType: "user",
      subjectId: userId,
      data: { by: DIRECTORY_JOB, liftedFreezeIds: lifted.map((f) => f.id) },
    });
  }
}

/**
 * The reconciler's part: a person the directory deactivated or deleted who still holds a grant that is
 * not being revoked (a crash between the SCIM answer and the freeze, or a grant that was provisioning)
 * is frozen again. Returns how many people were.
 */
export async function reconcileDirectory(
  db: Db,
  workflows?: WorkflowDriver,
  orgId?: string,
): Promise<number> {
  const rows = await db
    .selectDistinct({ orgId: scimUsers.orgId, userId: scimUsers.userId })
    .from(scimUsers)
    .innerJoin(grants, and(eq(grants.userId, scimUsers.userId), eq(grants.orgId, scimUsers.orgId)))
    .where(
      and(
        or(eq(scimUsers.active, false), isNotNull(scimUsers.deletedAt)),
        inArray(grants.status, [...CUTTABLE]),
        orgId ? eq(scimUsers.orgId, orgId) : undefined,
      ),
    )
    .limit(100);
  if (rows.length === 0) return 0;
  let done = 0;
  for (const r of rows) {
    const ctx = systemCtx(db, r.orgId, DIRECTORY_JOB, workflows);
    // Disabled already by the SCIM change (a no-op then); repeated in case that is what was lost.
    await disableUser({ ctx, input: { userId: r.userId } });
    if (await deprovisionPerson(ctx, r.userId, "still held access after deprovisioning")) done += 1;
  }
  return done;
}
