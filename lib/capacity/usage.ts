import { and, eq, gt, inArray, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type AdapterKind, cloudRoles, type GrantStatus, grants, targets } from "@/db/schema";
import type { Ctx } from "@/lib/ctx";
import { getTargetInOrgOrThrow } from "@/lib/requests/queries";
import { CLOUD_LIMITS, limitsFor } from "./limits";

/** Grant states that hold a binding (or may, mid-call) in the cloud. */
export const HOLDING = [
  "provisioning",
  "active",
  "revoking",
  "revoke_stuck",
] as const satisfies readonly GrantStatus[];

export type TargetUsage = {
  targetId: string;
  roles: {
    used: number;
    limit: number;
    /** Counted roles no grant uses: what collection can delete. */
    unused: number;
    /** Deleted roles that still count (GCP, 7 days), and when the oldest stops counting. */
    recentlyDeleted: number;
    nextFreeAt: string | null;
    what: string;
  };
  bindings: { used: number; limit: number; what: string } | null;
};

type TargetLike = { id: string; adapter: AdapterKind; settings: Record<string, unknown> };

// A deleted role counts while the cloud still counts it: per adapter, for that adapter's window.
function stillCounted(now: Date): SQL {
  const windows = Object.entries(CLOUD_LIMITS)
    .filter(([, l]) => l.deletedCountsMs > 0)
    .map(([adapter, l]) =>
      and(
        eq(targets.adapter, adapter as AdapterKind),
        gt(cloudRoles.deletedAt, new Date(now.getTime() - l.deletedCountsMs)),
      ),
    );
  return and(eq(cloudRoles.status, "deleted"), or(...windows, sql`false`)) as SQL;
}

/**
 * Custom-role and binding usage of the given targets, from the database: Elevate creates every role it
 * counts, so its own rows are the authoritative count (roles made by hand are not: see roleQuota).
 */
export async function usageOf(
  db: Db,
  rows: TargetLike[],
  now = new Date(),
  opts: { bindings?: boolean } = {},
): Promise<Map<string, TargetUsage>> {
  const out = new Map<string, TargetUsage>();
  if (rows.length === 0) return out;
  const ids = rows.map((t) => t.id);
  const slots = sql<number>`case when ${targets.adapter} = 'aws' and jsonb_typeof(${cloudRoles.spec}->'parts') = 'array'
    then greatest(jsonb_array_length(${cloudRoles.spec}->'parts'), 1) else 1 end`;
  const live = eq(cloudRoles.status, "active");
  const deleted = stillCounted(now);
  const [roleRows, bindingRows] = await Promise.all([
    db
      .select({
        targetId: cloudRoles.targetId,
        live: sql<number>`coalesce(sum(${slots}) filter (where ${live}), 0)::int`,
        unused: sql<number>`coalesce(sum(${slots}) filter (where ${live} and ${cloudRoles.refCount} = 0), 0)::int`,
        deleted: sql<number>`coalesce(sum(${slots}) filter (where ${deleted}), 0)::int`,
        oldest: sql<Date | string | null>`min(${cloudRoles.deletedAt}) filter (where ${deleted})`,
      })
      .from(cloudRoles)
      .innerJoin(targets, eq(targets.id, cloudRoles.targetId))
      .where(and(inArray(cloudRoles.targetId, ids), or(live, deleted)))
      .groupBy(cloudRoles.targetId),
    opts.bindings === false
      ? []
      : db
          .select({ targetId: grants.targetId, n: sql<number>`count(*)::int` })
          .from(grants)
          .where(and(inArray(grants.targetId, ids), inArray(grants.status, [...HOLDING])))
          .groupBy(grants.targetId),
  ]);
  const roleBy = new Map(roleRows.map((r) => [r.targetId, r]));
  const bindingBy = new Map(bindingRows.map((r) => [r.targetId, r.n]));
  for (const t of rows) {
    const limits = limitsFor(t);
    const r = roleBy.get(t.id);
    const oldest = r?.oldest ? new Date(r.oldest) : null;
    out.set(t.id, {
      targetId: t.id,
      roles: {
        used: (r?.live ?? 0) + (r?.deleted ?? 0),
        limit: limits.roles.value,
        unused: r?.unused ?? 0,
        recentlyDeleted: r?.deleted ?? 0,
        nextFreeAt: oldest ? new Date(oldest.getTime() + limits.deletedCountsMs).toISOString() : null,
        what: limits.roles.what,
      },
      bindings: limits.bindings
        ? { used: bindingBy.get(t.id) ?? 0, limit: limits.bindings.value, what: limits.bindings.what }
        : null,
    });
  }
  return out;
}

/**
 * Whether the role for `spec` already takes a slot in the target: live, or (GCP) deleted recently enough
 * to be undeleted, which needs no new slot either.
 */
export async function roleIsCounted(db: Db, target: TargetLike, hash: string, now: Date): Promise<boolean> {
  const [row] = await db
    .select({ status: cloudRoles.status, deletedAt: cloudRoles.deletedAt })
    .from(cloudRoles)
    .where(and(eq(cloudRoles.targetId, target.id), eq(cloudRoles.hash, hash)));
  if (!row) return false;
  if (row.status === "active") return true;
  const window = limitsFor(target).deletedCountsMs;
  return window > 0 && row.deletedAt !== null && row.deletedAt.getTime() > now.getTime() - window;
}

/** One target's usage (org-scoped): what provisioning, the approver's note and the targets page read. */
export async function targetCapacity(ctx: Ctx, targetId: string, now = new Date()): Promise<TargetUsage> {
  const target = await getTargetInOrgOrThrow(ctx.db, ctx.orgId, targetId);
  const usage = (await usageOf(ctx.db, [target], now)).get(target.id);
  if (!usage) throw new Error("unreachable: usage of the target just read");
  return usage;
}

/** Every org's (or one org's) targets at or above `ratio` of their role limit: early collection's list. */
export async function targetsAbove(db: Db, ratio: number, orgId?: string, now = new Date()) {
  const rows = await db
    .select({ id: targets.id, adapter: targets.adapter, settings: targets.settings })
    .from(targets)
    .where(orgId ? eq(targets.orgId, orgId) : undefined);
  const usage = await usageOf(db, rows, now, { bindings: false });
  return rows
    .filter((t) => {
      const u = usage.get(t.id)?.roles;
      return u !== undefined && u.unused > 0 && u.used >= u.limit * ratio;
    })
    .map((t) => t.id);
}
