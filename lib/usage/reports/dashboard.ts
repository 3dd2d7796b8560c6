import { and, asc, eq, gte, lte, max, type SQL, sql } from "drizzle-orm";
import {
  ALL_GROUPS,
  groups,
  REQUEST_STATUSES,
  type ReportKind,
  reportDaily,
  targets,
  taskTemplates,
} from "@/db/schema";
import { assertPermission, type Ctx } from "@/lib/ctx";
import { parseInput } from "@/lib/errors";
import { utcDay } from "./refresh";
import { CUSTOM_TEMPLATE, DashboardInput } from "./schemas";
import { daysBetween, weeklyPercentiles, weekOf } from "./series";

const DAY_MS = 86_400_000;
export const DEFAULT_PERIOD_DAYS = 90;
const TOP = 15;

type Count = { label: string; n: number };
export type UsageDashboardDto = {
  filters: {
    from: string;
    to: string;
    targetId: string | null;
    templateKey: string | null;
    group: string | null;
  };
  options: { targets: { id: string; name: string; cloud: string }[]; templates: string[]; groups: string[] };
  refreshedAt: string | null;
  requestsByStatus: ({ day: string } & Record<(typeof REQUEST_STATUSES)[number], number>)[];
  timeToApprove: { week: string; n: number; p50: number; p95: number }[];
  timeToAccess: { week: string; n: number; p50: number; p95: number }[];
  decisionsPerApprover: { approver: string; approvals: number; denials: number }[];
  grantsByTarget: Count[];
  grantsByTemplate: Count[];
  grantsByCloud: Count[];
  usedRatioByTemplate: { template: string; granted: number; used: number; ratio: number }[];
  mostUnused: { permission: string; cloud: string; granted: number; used: number; unused: number }[];
  deniedByDay: { day: string; denied: number }[];
  topDenied: { permission: string; cloud: string; denied: number }[];
  revocationLateness: { week: string; n: number; p50: number; p95: number; late: number }[];
};

/** The usage dashboards, read from the daily roll-ups only (auditors and admins: audit.read). */
export async function getUsageDashboard({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: DashboardInput;
}): Promise<UsageDashboardDto> {
  assertPermission(ctx, "audit.read");
  const f = parseInput(DashboardInput, input);
  const to = f.to ?? utcDay(f.now ?? new Date());
  const from =
    f.from ?? utcDay(new Date(new Date(`${to}T00:00:00Z`).getTime() - (DEFAULT_PERIOD_DAYS - 1) * DAY_MS));
  const r = reportDaily;
  const where = (kind: ReportKind): SQL =>
    and(
      eq(r.orgId, ctx.orgId),
      eq(r.grp, f.group ?? ALL_GROUPS),
      eq(r.kind, kind),
      gte(r.day, from),
      lte(r.day, to),
      f.targetId ? eq(r.targetId, f.targetId) : undefined,
      f.templateKey ? eq(r.templateKey, f.templateKey === CUSTOM_TEMPLATE ? "" : f.templateKey) : undefined,
    ) as SQL;
  const n = sql<number>`sum(${r.n})::int`;
  const total = sql<number>`sum(${r.total})::float8`;
  const db = ctx.db;

  const [
    requests,
    approve,
    access,
    decisions,
    grantRows,
    perms,
    unused,
    deniedDays,
    denied,
    lateness,
    refreshed,
    options,
  ] = await Promise.all([
    db.select({ day: r.day, key: r.key, n }).from(r).where(where("requests")).groupBy(r.day, r.key),
    db.select({ day: r.day, samples: r.samples }).from(r).where(where("approve_seconds")),
    db.select({ day: r.day, samples: r.samples }).from(r).where(where("access_seconds")),
    db
      .select({ key: r.key, n, total })
      .from(r)
      .where(where("decisions"))
      .groupBy(r.key)
      .orderBy(sql`2 desc`, r.key),
    db
      .select({ targetId: r.targetId, templateKey: r.templateKey, cloud: r.cloud, n })
      .from(r)
      .where(where("grants"))
      .groupBy(r.targetId, r.templateKey, r.cloud),
    // Aggregated in SQL, to a handful of rows: the page's cost must not grow with the data.
    db
      .select({ templateKey: r.templateKey, n, total })
      .from(r)
      .where(where("perm_grants"))
      .groupBy(r.templateKey),
    db
      .select({ key: r.key, cloud: r.cloud, n, total })
      .from(r)
      .where(where("perm_grants"))
      .groupBy(r.key, r.cloud)
      .having(sql`sum(${r.n}) > sum(${r.total})`)
      .orderBy(sql`sum(${r.n}) - sum(${r.total}) desc`, r.key)
      .limit(TOP),
    db
      .select({ day: r.day, total })
      .from(r)
      .where(where("calls"))
      .groupBy(r.day)
      .having(sql`sum(${r.total}) > 0`),
    db
      .select({ key: r.key, cloud: r.cloud, total })
      .from(r)
      .where(where("calls"))
      .groupBy(r.key, r.cloud)
      .having(sql`sum(${r.total}) > 0`)
      .orderBy(sql`sum(${r.total}) desc`, r.key)
      .limit(TOP),
    db.select({ day: r.day, samples: r.samples, total: r.total }).from(r).where(where("revocation_lateness")),
    db
      .select({ at: max(r.refreshedAt) })
      .from(r)
      .where(eq(r.orgId, ctx.orgId)),
    filterOptions(ctx),
  ]);

  const days = daysBetween(from, to);
  const byDay = new Map(days.map((d) => [d, Object.fromEntries(REQUEST_STATUSES.map((s) => [s, 0]))]));
  for (const row of requests) {
    const d = byDay.get(row.day);
    if (d && row.key in d) d[row.key] += row.n;
  }
  const targetName = new Map(options.targets.map((t) => [t.id, t.name]));
  const sumBy = (key: (g: (typeof grantRows)[number]) => string): Count[] => {
    const m = new Map<string, number>();
    for (const g of grantRows) m.set(key(g), (m.get(key(g)) ?? 0) + g.n);
    return [...m.entries()]
      .map(([label, n]) => ({ label, n }))
      .sort((a, b) => b.n - a.n || a.label.localeCompare(b.label));
  };
  const templateLabel = (k: string) => (k === "" ? "custom permissions" : k);

  const ratio = new Map<string, { granted: number; used: number }>();
  for (const p of perms) ratio.set(p.templateKey, { granted: p.n, used: p.total });
  const deniedDay = new Map(days.map((d) => [d, 0]));
  for (const c of deniedDays) deniedDay.set(c.day, c.total);
  const lateWeeks = weeklyPercentiles(lateness);
  const lateCount = new Map<string, number>();
  for (const l of lateness) {
    const w = weekOf(l.day);
    lateCount.set(w, (lateCount.get(w) ?? 0) + l.total);
  }

  return {
    filters: {
      from,
      to,
      targetId: f.targetId ?? null,
      templateKey: f.templateKey ?? null,
      group: f.group ?? null,
    },
    options,
    refreshedAt: refreshed[0]?.at?.toISOString() ?? null,
    requestsByStatus: [...byDay.entries()].map(
      ([day, c]) => ({ day, ...c }) as UsageDashboardDto["requestsByStatus"][number],
    ),
    timeToApprove: weeklyPercentiles(approve, 60),
    timeToAccess: weeklyPercentiles(access),
    decisionsPerApprover: decisions.map((d) => ({
      approver: d.key,
      approvals: d.n - d.total,
      denials: d.total,
    })),
    grantsByTarget: sumBy((g) => (g.targetId ? (targetName.get(g.targetId) ?? g.targetId) : "unknown")),
    grantsByTemplate: sumBy((g) => templateLabel(g.templateKey)),
    grantsByCloud: sumBy((g) => g.cloud),
    usedRatioByTemplate: [...ratio.entries()]
      .map(([k, e]) => ({
        template: templateLabel(k),
        ...e,
        ratio: e.granted ? Math.round((e.used / e.granted) * 100) / 100 : 0,
      }))
      .sort((a, b) => a.ratio - b.ratio || a.template.localeCompare(b.template)),
    mostUnused: unused.map((u) => ({
      permission: u.key,
      cloud: u.cloud,
      granted: u.n,
      used: u.total,
      unused: u.n - u.total,
    })),
    deniedByDay: [...deniedDay.entries()].map(([day, d]) => ({ day, denied: d })),
    topDenied: denied.map((c) => ({ permission: c.key, cloud: c.cloud, denied: c.total })),
    revocationLateness: lateWeeks.map((w) => ({ ...w, late: lateCount.get(w.week) ?? 0 })),
  };
}

async function filterOptions(ctx: Ctx) {
  const [t, k, g] = await Promise.all([
    ctx.db
      .select({ id: targets.id, name: targets.name, cloud: targets.cloud })
      .from(targets)
      .where(eq(targets.orgId, ctx.orgId))
      .orderBy(asc(targets.name)),
    ctx.db
      .selectDistinct({ key: taskTemplates.key })
      .from(taskTemplates)
      .where(eq(taskTemplates.orgId, ctx.orgId))
      .orderBy(asc(taskTemplates.key)),
    ctx.db
      .select({ name: groups.name })
      .from(groups)
      .where(eq(groups.orgId, ctx.orgId))
      .orderBy(asc(groups.name)),
  ]);
  return { targets: t, templates: k.map((x) => x.key), groups: g.map((x) => x.name) };
}
