import type { Db } from "@/db/client";
import { jobRuns } from "@/db/schema";
import { logger } from "@/lib/log";
import { escalateOverdueReviews } from "@/lib/requests/break-glass";
import { reconcileDirectory } from "@/lib/scim/deprovision";
import type { WorkflowDriver } from "@/lib/workflows/port";
import { removeDrift } from "./reconcile-drift";
import { claimDueGrants, type GrantCounts, processDue } from "./reconcile-grants";
import { lapseStaleRequests } from "./reconcile-lapse";
import { collectRoles, DEFAULT_ROLE_GRACE_MS } from "./reconcile-roles";

export type ReconcileOptions = {
  db: Db;
  /** The reconciler's clock (tests move it forward). */
  now?: Date;
  workflows?: WorkflowDriver;
  /** Grants claimed per batch. */
  limit?: number;
  /** Unused roles are deleted after this long (default 10 minutes). */
  roleGraceMs?: number;
  /** A scheduled grant nobody started for this long is provisioned here (the inline driver died). */
  staleMs?: number;
  concurrency?: number;
  /** Only this org (per-tenant runs, tests sharing a database); default every org. */
  orgId?: string;
};

export type ReconcileResult = GrantCounts & {
  lapsed: number;
  /** Break-glass requests whose post-hoc review fell overdue this pass (escalated once each). */
  reviewsEscalated: number;
  drift: { removed: number; failed: number };
  rolesDeleted: number;
};

const MAX_BATCHES = 50;

/**
 * One pass of the safety net, across every org: revoke what expired, retry what failed, provision what was
 * dropped, lapse undecided requests, remove drift, delete unused roles. Several processes may run it at once.
 */
export async function reconcileOnce(opts: ReconcileOptions): Promise<ReconcileResult> {
  const { db, workflows } = opts;
  const now = opts.now ?? new Date();
  const limit = opts.limit ?? 200;
  const result: ReconcileResult = {
    expired: 0,
    retried: 0,
    provisioned: 0,
    lapsed: 0,
    reviewsEscalated: 0,
    drift: { removed: 0, failed: 0 },
    rolesDeleted: 0,
  };
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const rows = await claimDueGrants(db, now, limit, opts.staleMs ?? 30_000, opts.orgId);
    const c = await processDue(db, rows, now, workflows, opts.concurrency ?? 8);
    result.expired += c.expired;
    result.retried += c.retried;
    result.provisioned += c.provisioned;
    if (rows.length < limit) break;
  }
  for (let lapsed = limit; lapsed === limit; ) {
    lapsed = await lapseStaleRequests(db, now, limit, opts.orgId);
    result.lapsed += lapsed;
  }
  result.reviewsEscalated = await escalateOverdueReviews(db, now, {
    limit,
    orgId: opts.orgId,
    dispatch: workflows ? (e) => workflows.dispatch(e) : undefined,
  });
  // People the directory deprovisioned who still hold access (the freeze after a SCIM call was lost).
  const deprovisioned = await reconcileDirectory(db, workflows, opts.orgId);
  result.drift = await removeDrift(db, opts.orgId);
  result.rolesDeleted = await collectRoles(
    db,
    now,
    opts.roleGraceMs ?? DEFAULT_ROLE_GRACE_MS,
    limit,
    opts.orgId,
  );

  const details = { ...result, finishedAt: new Date().toISOString() };
  await db
    .insert(jobRuns)
    .values({ name: "reconciler", lastRunAt: now, details })
    .onConflictDoUpdate({ target: jobRuns.name, set: { lastRunAt: now, details } });
  if (
    result.drift.removed +
      result.drift.failed +
      result.lapsed +
      result.reviewsEscalated +
      result.expired +
      result.retried +
      deprovisioned >
    0
  ) {
    logger.info({ job: "reconciler", ...result, deprovisioned }, "reconcile pass");
  }
  return result;
}
