import { and, eq, inArray, isNull, lte, or } from "drizzle-orm";
import type { Db } from "@/db/client";
import { grants } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { bindingIdFor } from "@/lib/clouds/port";
import { adapterFor } from "@/lib/clouds/registry";
import type { Ctx } from "@/lib/ctx";
import { logger } from "@/lib/log";
import { getTargetInOrgOrThrow } from "@/lib/requests/queries";
import { systemCtx } from "@/lib/workflows/system-ctx";
import { LEASE_MS } from "./backoff";
import { finishRevocation, revokingEvent } from "./execute-revocation";
import { grantTransition } from "./grant-state";
import { asCloudError } from "./provision-failure";
import type { GrantRow } from "./queries";
import { removeBinding } from "./remove-binding";
import { onRevokeError } from "./revoke-failure";

export type DueExpiry = { grantId: string; orgId: string };

export type ExpiryBatchResult = {
  /** Claimed here and now `revoked`. */
  revoked: number;
  /** Claimed here, but the cloud call failed: retried with backoff by the reconciler. */
  failed: number;
  /** Still active with a later expiry (extended meanwhile): to be armed again. */
  later: { grantId: string; orgId: string; expiresAt: Date }[];
  /** Not claimed: already revoked, or claimed by another instance or the reconciler. */
  skipped: number;
};

/**
 * Revokes a batch of grants whose expiry timers fired. Per org, one transaction claims the due ones with
 * FOR UPDATE SKIP LOCKED (a grant another instance or the reconciler holds is skipped, never waited for) and
 * moves them to `revoking` with a lease, audited like executeRevocation's first step. The cloud calls are
 * then made per target (the target and its adapter resolved once), `concurrency` at a time, and each grant
 * is finished on its own (evidence, role reference, `grant.revoked` exactly once). What fails is left to the
 * reconciler, exactly as a failed executeRevocation.
 */
export async function revokeExpiredBatch(opts: {
  db: Db;
  due: DueExpiry[];
  now?: Date;
  concurrency?: number;
  /** The system actor's job name in the audit. */
  job?: string;
}): Promise<ExpiryBatchResult> {
  const { db } = opts;
  const now = opts.now ?? new Date();
  const job = opts.job ?? "revocation-lane";
  const result: ExpiryBatchResult = { revoked: 0, failed: 0, later: [], skipped: 0 };
  const byOrg = groupBy(opts.due, (d) => d.orgId);
  const claimed: { ctx: Ctx; g: GrantRow }[] = [];
  for (const [orgId, due] of byOrg) {
    const ctx = systemCtx(db, orgId, job);
    const ids = due.map((d) => d.grantId);
    const rows = await claimExpired(ctx, ids, now);
    for (const g of rows) claimed.push({ ctx, g });
    const got = new Set(rows.map((r) => r.id));
    const rest = ids.filter((id) => !got.has(id));
    if (rest.length === 0) continue;
    const current = await db
      .select({ id: grants.id, status: grants.status, expiresAt: grants.expiresAt })
      .from(grants)
      .where(and(eq(grants.orgId, orgId), inArray(grants.id, rest)));
    for (const r of current) {
      if (r.status === "active" && r.expiresAt && r.expiresAt.getTime() > now.getTime()) {
        result.later.push({ grantId: r.id, orgId, expiresAt: r.expiresAt });
      } else result.skipped += 1;
    }
    result.skipped += rest.length - current.length;
  }

  // Grouped per target: one target read and one adapter per group, the calls one after another in it.
  const groups = [...groupBy(claimed, (c) => `${c.g.orgId}/${c.g.targetId}`).values()];
  const work = groups.flatMap((group) => {
    let target: ReturnType<typeof getTargetInOrgOrThrow> | undefined;
    const { ctx, g } = group[0];
    const resolve = () => {
      target ??= getTargetInOrgOrThrow(db, ctx.orgId, g.targetId);
      return target;
    };
    return group.map((c) => ({ ...c, resolve }));
  });
  let next = 0;
  const worker = async () => {
    while (next < work.length) {
      const { ctx, g, resolve } = work[next++];
      try {
        const target = await resolve();
        const removal = await removeBinding(
          adapterFor(db, target),
          target,
          g.bindingId ?? bindingIdFor(g.id),
        );
        const out = await finishRevocation(ctx, g, removal);
        if (out.status === "revoked") result.revoked += 1;
      } catch (e) {
        result.failed += 1;
        await onRevokeError(ctx, g, asCloudError(e)).catch((err: unknown) => {
          logger.error(
            { orgId: ctx.orgId, grantId: g.id, err },
            "revocation failed; the reconciler will retry",
          );
        });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 8, work.length) }, worker));
  return result;
}

/** active and past expiry, not leased elsewhere → revoking, with a lease and one `grant.revoking` each. */
async function claimExpired(ctx: Ctx, ids: string[], now: Date): Promise<GrantRow[]> {
  const next = grantTransition("active", { type: "revoke" });
  if (!next.ok) throw new Error(next.reason);
  return ctx.db.transaction(async (tx) => {
    const rows = await tx
      .select()
      .from(grants)
      .where(
        and(
          eq(grants.orgId, ctx.orgId),
          inArray(grants.id, ids),
          eq(grants.status, "active"),
          lte(grants.expiresAt, now),
          or(isNull(grants.nextAttemptAt), lte(grants.nextAttemptAt, now)),
        ),
      )
      .orderBy(grants.id)
      .for("update", { skipLocked: true });
    if (rows.length === 0) return [];
    const at = new Date();
    const updated = await tx
      .update(grants)
      .set({
        status: next.to,
        revokeReason: "expired",
        attempts: 0,
        lastError: null,
        nextAttemptAt: new Date(at.getTime() + LEASE_MS),
        updatedAt: at,
      })
      .where(
        and(
          inArray(
            grants.id,
            rows.map((r) => r.id),
          ),
          eq(grants.status, "active"),
        ),
      )
      .returning();
    const before = new Map(rows.map((r) => [r.id, r]));
    for (const row of updated)
      await appendAudit(tx, ctx, revokingEvent(before.get(row.id) ?? row, "expired"));
    return updated;
  });
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
