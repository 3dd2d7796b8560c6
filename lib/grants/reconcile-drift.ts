import { and, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { auditEvents, grants, targets } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { CloudError, type TargetRow } from "@/lib/clouds/port";
import { adapterFor } from "@/lib/clouds/registry";
import { LIVE_GRANT_STATUSES } from "@/lib/grants/grant-state";
import { logger } from "@/lib/log";
import { systemCtx } from "@/lib/workflows/system-ctx";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type DriftCounts = { removed: number; failed: number };

/**
 * Removes Elevate-tagged bindings that no live grant explains (a crash between steps, a revocation that
 * raced a provisioning, a manual copy), and audits each removal. The cloud is listed before the database
 * is read, so a binding made after the listing is never mistaken for drift.
 */
export async function removeDrift(db: Db, orgId?: string): Promise<DriftCounts> {
  const counts: DriftCounts = { removed: 0, failed: 0 };
  const rows = await db
    .select()
    .from(targets)
    .where(orgId ? eq(targets.orgId, orgId) : undefined);
  for (const target of rows) {
    let adapter: ReturnType<typeof adapterFor>;
    try {
      adapter = adapterFor(db, target);
    } catch {
      continue; // no adapter in this build: nothing of ours can be there
    }
    try {
      const managed = await adapter.listManaged(target);
      if (managed.bindings.length === 0) continue;
      const ids = [...new Set(managed.bindings.map((b) => b.grantId).filter((id) => UUID.test(id)))];
      const live = ids.length
        ? await db
            .select({ id: grants.id })
            .from(grants)
            .where(
              and(
                inArray(grants.id, ids),
                eq(grants.targetId, target.id),
                eq(grants.orgId, target.orgId),
                inArray(grants.status, [...LIVE_GRANT_STATUSES]),
              ),
            )
        : [];
      const explained = new Set(live.map((g) => g.id));
      for (const b of managed.bindings.filter((x) => !explained.has(x.grantId))) {
        if (await removeOne(db, target, adapter, b)) counts.removed += 1;
        else counts.failed += 1;
      }
    } catch (err) {
      logger.error({ orgId: target.orgId, targetId: target.id, err }, "drift check failed for target");
      counts.failed += 1;
    }
  }
  return counts;
}

async function removeOne(
  db: Db,
  target: TargetRow,
  adapter: ReturnType<typeof adapterFor>,
  b: { bindingId: string; grantId: string; roleName: string },
): Promise<boolean> {
  try {
    const gone = await adapter.unbind(target, b.bindingId).catch((e: unknown) => {
      if (e instanceof CloudError && e.kind === "not_found") return { requestIds: [] };
      throw e;
    });
    await db.transaction((tx) =>
      appendAudit(tx, systemCtx(tx, target.orgId, "reconciler"), {
        action: "drift.removed",
        subjectType: "binding",
        subjectId: b.bindingId,
        data: { targetId: target.id, grantId: b.grantId, roleName: b.roleName, requestIds: gone.requestIds },
      }),
    );
    logger.warn(
      { orgId: target.orgId, targetId: target.id, bindingId: b.bindingId },
      "drift binding removed",
    );
    return true;
  } catch (err) {
    logger.error(
      { alert: "drift", orgId: target.orgId, targetId: target.id, bindingId: b.bindingId, err },
      "drift removal failed",
    );
    await auditFailure(db, target, b, err).catch((e: unknown) =>
      logger.error({ orgId: target.orgId, err: e }, "drift failure not audited"),
    );
    return false;
  }
}

/** Records "could not remove" once per streak (not every pass), so the drift panel shows what is stuck. */
async function auditFailure(
  db: Db,
  target: TargetRow,
  b: { bindingId: string; grantId: string; roleName: string },
  err: unknown,
): Promise<void> {
  await db.transaction(async (tx) => {
    const [last] = await tx
      .select({ action: auditEvents.action })
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.orgId, target.orgId),
          eq(auditEvents.subjectType, "binding"),
          eq(auditEvents.subjectId, b.bindingId),
          inArray(auditEvents.action, ["drift.removed", "drift.remove_failed"]),
        ),
      )
      .orderBy(desc(auditEvents.seq))
      .limit(1);
    if (last?.action === "drift.remove_failed") return;
    await appendAudit(tx, systemCtx(tx, target.orgId, "reconciler"), {
      action: "drift.remove_failed",
      subjectType: "binding",
      subjectId: b.bindingId,
      data: {
        targetId: target.id,
        grantId: b.grantId,
        roleName: b.roleName,
        error: err instanceof CloudError ? err.message : "unexpected error",
        requestIds: err instanceof CloudError && err.requestId ? [err.requestId] : [],
      },
    });
  });
}
