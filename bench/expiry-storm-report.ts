import { performance } from "node:perf_hooks";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { auditEvents, cloudRoles, grants, sandboxBindings } from "@/db/schema";
import type { SeededOrg } from "@/db/seed/org";
import { verifyAuditChain } from "@/lib/audit/verify";
import { isAllowed } from "@/lib/clouds/sandbox";
import { summary } from "./stats";

export const TARGETS = { LATENESS_P99_MS: 5_000, PROVISION_PER_S: 100 };
export const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

export async function countByStatus(db: Db, orgId: string): Promise<Record<string, number>> {
  const rows = await db
    .select({ status: grants.status, n: sql<number>`count(*)::int` })
    .from(grants)
    .where(eq(grants.orgId, orgId))
    .groupBy(grants.status);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

export async function openCount(db: Db, orgId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(grants)
    .where(and(eq(grants.orgId, orgId), sql`${grants.status} not in ('revoked', 'failed')`));
  return row.n;
}

/** Lateness figures against the targets, and the invariants checked after the storm. */
export async function report(db: Db, org: SeededOrg, reconcileIntervalMs: number) {
  const orgId = org.org.id;
  const rows = await db
    .select({ id: grants.id, expiresAt: grants.expiresAt, revokedAt: grants.revokedAt })
    .from(grants)
    .where(eq(grants.orgId, orgId));
  const lateness = rows
    .filter((r) => r.revokedAt && r.expiresAt)
    .map((r) => r.revokedAt!.getTime() - r.expiresAt!.getTime());
  const ps = summary(lateness, [50, 99]);
  const figures = { p50: ps.p50 ?? 0, p99: ps.p99 ?? 0, max: Math.max(0, ...lateness), n: lateness.length };
  const revoked = await db
    .select({ subjectId: auditEvents.subjectId, actorId: auditEvents.actorId })
    .from(auditEvents)
    .where(and(eq(auditEvents.orgId, orgId), eq(auditEvents.action, "grant.revoked")));
  const revokedBy: Record<string, number> = {};
  for (const r of revoked) revokedBy[r.actorId] = (revokedBy[r.actorId] ?? 0) + 1;
  const targets = [org.targets.aws, org.targets.gcp, org.targets.azure];
  const bindingsLeft = (
    await db
      .select({ id: sandboxBindings.id })
      .from(sandboxBindings)
      .where(
        inArray(
          sandboxBindings.targetId,
          targets.map((t) => t.id),
        ),
      )
  ).length;
  const now = new Date();
  const accessAfterExpiry = (
    await Promise.all(
      [
        [org.targets.aws.id, "logs:GetLogEvents"],
        [org.targets.gcp.id, "logging.logEntries.list"],
        [org.targets.azure.id, "Microsoft.Insights/logs/read"],
      ].map(([t, p]) => isAllowed(db, t, org.users.requester.email, p, now)),
    )
  ).some(Boolean);
  const refs = await db
    .select({ n: cloudRoles.refCount })
    .from(cloudRoles)
    .where(eq(cloudRoles.orgId, orgId));
  const a0 = performance.now();
  const chain = await verifyAuditChain(db, { orgId });
  const pass = (ok: boolean) => (ok ? "pass" : "fail");
  return {
    bench: "expiry-storm",
    reconcileIntervalMs,
    revocationLatenessMs: figures,
    targets: {
      latenessP99: {
        targetMs: TARGETS.LATENESS_P99_MS,
        result: pass(figures.p99 <= TARGETS.LATENESS_P99_MS),
      },
      latenessMax: { targetMs: reconcileIntervalMs, result: pass(figures.max <= reconcileIntervalMs) },
    },
    states: await countByStatus(db, orgId),
    revokedBy,
    revokedEventsPerGrant: {
      grants: new Set(revoked.map((r) => r.subjectId)).size,
      events: revoked.length,
    },
    bindingsLeft,
    accessAfterExpiry,
    roleRefsLeft: refs.reduce((s, r) => s + r.n, 0),
    audit: { ok: chain.ok, rows: chain.checked, verifySeconds: round((performance.now() - a0) / 1000, 2) },
  };
}

/** grant.revoked events per instance (the audit's `instance`) and per system job (lane, reconciler, workflow). */
export async function revokedByInstance(db: Db, orgId: string) {
  const rows = await db
    .select({
      actorId: auditEvents.actorId,
      instance: sql<string | null>`${auditEvents.data} ->> 'instance'`,
    })
    .from(auditEvents)
    .where(and(eq(auditEvents.orgId, orgId), eq(auditEvents.action, "grant.revoked")));
  const instance: Record<string, number> = {};
  const job: Record<string, number> = {};
  for (const r of rows) {
    const i = r.instance ?? "(none)";
    instance[i] = (instance[i] ?? 0) + 1;
    job[r.actorId] = (job[r.actorId] ?? 0) + 1;
  }
  return { instance, job };
}
