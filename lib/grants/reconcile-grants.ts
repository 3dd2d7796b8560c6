import { and, asc, eq, gt, inArray, isNull, lte, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type GrantStatus, grants } from "@/db/schema";
import { REVOKING_GRANT_STATUSES, STARTING_GRANT_STATUSES } from "@/lib/grants/grant-state";
import { logger } from "@/lib/log";
import type { WorkflowDriver } from "@/lib/workflows/port";
import { systemCtx } from "@/lib/workflows/system-ctx";
import { applyExtension } from "./apply-extension";
import { LEASE_MS } from "./backoff";
import { executeRevocation } from "./execute-revocation";
import { provisionGrant } from "./provision";

type Due = { id: string; orgId: string; status: GrantStatus; expiresAt: Date | null };

/**
 * Claims due grants across all orgs with FOR UPDATE SKIP LOCKED and pushes their `nextAttemptAt` one lease
 * ahead, so several reconcilers (processes) split the work instead of repeating it.
 */
export async function claimDueGrants(
  db: Db,
  now: Date,
  limit: number,
  staleMs: number,
  orgId?: string,
): Promise<Due[]> {
  const due = (col: typeof grants.nextAttemptAt) => or(isNull(col), lte(col, now));
  const staleBefore = new Date(now.getTime() - staleMs);
  return db.transaction(async (tx) => {
    const rows = await tx
      .select({ id: grants.id, orgId: grants.orgId, status: grants.status, expiresAt: grants.expiresAt })
      .from(grants)
      .where(
        and(
          orgId ? eq(grants.orgId, orgId) : undefined,
          or(
            and(eq(grants.status, "active"), lte(grants.expiresAt, now), due(grants.nextAttemptAt)),
            // An extension whose cloud re-bind is still owed (extendGrant marks it; applyExtension clears it).
            and(eq(grants.status, "active"), gt(grants.expiresAt, now), lte(grants.nextAttemptAt, now)),
            and(inArray(grants.status, [...REVOKING_GRANT_STATUSES]), due(grants.nextAttemptAt)),
            // Scheduled/provisioning grants are the inline driver's first; only retries and stale ones are ours.
            and(
              inArray(grants.status, [...STARTING_GRANT_STATUSES]),
              or(
                lte(grants.nextAttemptAt, now),
                and(isNull(grants.nextAttemptAt), lte(grants.updatedAt, staleBefore)),
              ),
            ),
          ),
        ),
      )
      .orderBy(asc(sql`coalesce(${grants.nextAttemptAt}, ${grants.expiresAt}, ${grants.updatedAt})`))
      .limit(limit)
      .for("update", { skipLocked: true });
    if (rows.length > 0) {
      await tx
        .update(grants)
        .set({ nextAttemptAt: new Date(now.getTime() + LEASE_MS) })
        .where(
          inArray(
            grants.id,
            rows.map((r) => r.id),
          ),
        );
    }
    return rows;
  });
}

export type GrantCounts = { expired: number; retried: number; provisioned: number };

/** Runs the claimed grants' next step, a few at a time; one grant's failure never stops the others. */
export async function processDue(
  db: Db,
  rows: Due[],
  now: Date,
  workflows: WorkflowDriver | undefined,
  concurrency: number,
): Promise<GrantCounts> {
  const counts: GrantCounts = { expired: 0, retried: 0, provisioned: 0 };
  let next = 0;
  const worker = async () => {
    while (next < rows.length) {
      const row = rows[next++];
      const ctx = systemCtx(db, row.orgId, "reconciler", workflows);
      try {
        if (row.status === "active" && row.expiresAt && row.expiresAt.getTime() > now.getTime()) {
          counts.retried += 1;
          await applyExtension({ ctx, input: { grantId: row.id } });
        } else if (row.status === "active") {
          counts.expired += 1;
          await executeRevocation({ ctx, input: { grantId: row.id }, asOf: now });
        } else if (row.status === "revoking" || row.status === "revoke_stuck") {
          counts.retried += 1;
          await executeRevocation({ ctx, input: { grantId: row.id } });
        } else {
          counts.provisioned += 1;
          await provisionGrant({ ctx, input: { grantId: row.id } });
        }
      } catch (err) {
        logger.error(
          { orgId: row.orgId, grantId: row.id, err },
          "reconciler step failed; retried after the lease",
        );
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, worker));
  return counts;
}
