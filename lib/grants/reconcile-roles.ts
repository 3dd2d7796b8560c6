import { and, eq, inArray, lte, or } from "drizzle-orm";
import type { Db } from "@/db/client";
import { cloudRoles, targets } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { watchCapacity } from "@/lib/capacity/alert";
import { COLLECT_RATIO } from "@/lib/capacity/limits";
import { targetsAbove } from "@/lib/capacity/usage";
import type { TargetRow } from "@/lib/clouds/port";
import { adapterFor } from "@/lib/clouds/registry";
import { logger } from "@/lib/log";
import { systemCtx } from "@/lib/workflows/system-ctx";

export const DEFAULT_ROLE_GRACE_MS = 10 * 60_000;

/**
 * Deletes shared cloud roles no grant has used for the grace period. Each role is handled under its row
 * lock (the cloud call included), so a grant reserving the role at the same moment waits and then sees it
 * deleted, and re-creates it. On targets near their role limit (or `targetId`, a full target provisioning
 * asks for) unused roles go at once: the grace period saves a re-create, a free slot saves a grant.
 */
export async function collectRoles(
  db: Db,
  now: Date,
  graceMs: number,
  limit: number,
  orgId?: string,
  targetId?: string,
): Promise<number> {
  const cutoff = new Date(now.getTime() - graceMs);
  const early = targetId ? [targetId] : await targetsAbove(db, COLLECT_RATIO, orgId, now);
  const unused = and(
    orgId ? eq(cloudRoles.orgId, orgId) : undefined,
    targetId ? eq(cloudRoles.targetId, targetId) : undefined,
    eq(cloudRoles.status, "active"),
    eq(cloudRoles.refCount, 0),
    or(
      lte(cloudRoles.releasedAt, cutoff),
      early.length > 0 ? inArray(cloudRoles.targetId, early) : undefined,
    ),
  );
  const candidates = await db.select({ id: cloudRoles.id }).from(cloudRoles).where(unused).limit(limit);
  let deleted = 0;
  const touched = new Map<string, TargetRow>();
  for (const { id } of candidates) {
    try {
      const done = await db.transaction(async (tx) => {
        const [role] = await tx
          .select()
          .from(cloudRoles)
          .where(and(eq(cloudRoles.id, id), unused))
          .for("update", { skipLocked: true });
        if (!role) return null;
        const [target] = await tx.select().from(targets).where(eq(targets.id, role.targetId));
        // The adapter works on this transaction: on the embedded database another connection would wait on us.
        const evidence = await adapterFor(tx, target).deleteRole(target, role.roleName);
        await tx.update(cloudRoles).set({ status: "deleted", deletedAt: now }).where(eq(cloudRoles.id, id));
        await appendAudit(tx, systemCtx(tx, role.orgId, "reconciler"), {
          action: "role.deleted",
          subjectType: "cloud_role",
          subjectId: role.id,
          data: {
            targetId: role.targetId,
            roleName: role.roleName,
            hash: role.hash,
            requestIds: evidence.requestIds,
          },
        });
        return target;
      });
      if (done) {
        deleted += 1;
        touched.set(done.id, done);
      }
    } catch (err) {
      logger.warn({ cloudRoleId: id, err }, "role garbage collection failed; retried next pass");
    }
  }
  // Usage only falls here: clear capacity alerts that no longer apply.
  for (const target of touched.values()) {
    await watchCapacity(db, target, now).catch((err: unknown) =>
      logger.warn({ targetId: target.id, err }, "capacity alert check failed"),
    );
  }
  return deleted;
}
