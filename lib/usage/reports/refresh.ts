import { and, eq, gte, inArray, isNotNull, lt, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { grants, organizations, reportDaily, usageEvents } from "@/db/schema";
import { assertPermission, type Ctx } from "@/lib/ctx";
import { rollupStatements } from "./refresh-sql";

const DAY_MS = 86_400_000;
/** How far back the periodic refresh reaches: requests are decided and grants expire within days. */
export const RECENT_DAYS = 8;

export const utcDay = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Recomputes the daily roll-ups of the given UTC days (`YYYY-MM-DD` or dates) from the source tables.
 * Call it after an import with the days its events fell on: the activation days of the grants those
 * events belong to are refreshed too (their used/granted counts changed). Each day is replaced in one
 * transaction, so a reader sees a day before or after, never half of it. Idempotent.
 */
export async function refreshRollups({
  db,
  orgId,
  days,
}: {
  db: Db;
  orgId: string;
  days: (string | Date)[];
}): Promise<{ days: string[] }> {
  const asked = [...new Set(days.map((d) => (typeof d === "string" ? d : utcDay(d))))]
    .filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d))
    .sort();
  if (asked.length === 0) return { days: [] };
  const first = new Date(`${asked[0]}T00:00:00.000Z`);
  const last = new Date(new Date(`${asked[asked.length - 1]}T00:00:00.000Z`).getTime() + DAY_MS);
  const grantDays = await db
    .selectDistinct({ day: sql<string>`to_char(${grants.activatedAt} at time zone 'UTC', 'YYYY-MM-DD')` })
    .from(usageEvents)
    .innerJoin(grants, eq(grants.id, usageEvents.grantId))
    .where(
      and(
        eq(usageEvents.orgId, orgId),
        isNotNull(grants.activatedAt),
        gte(usageEvents.occurredAt, first),
        lt(usageEvents.occurredAt, last),
        inArray(sql<string>`to_char(${usageEvents.occurredAt} at time zone 'UTC', 'YYYY-MM-DD')`, asked),
      ),
    );
  const all = [...new Set([...asked, ...grantDays.map((r) => r.day)])].sort();
  for (const day of all) {
    const start = new Date(`${day}T00:00:00.000Z`);
    const end = new Date(start.getTime() + DAY_MS);
    await db.transaction(async (tx) => {
      await tx.delete(reportDaily).where(and(eq(reportDaily.orgId, orgId), inArray(reportDaily.day, [day])));
      for (const statement of rollupStatements({ orgId, day, start, end })) await tx.execute(statement);
    });
  }
  return { days: all };
}

/** The periodic pass: the last RECENT_DAYS days (requests decided, grants made live, expired, removed). */
export async function refreshRecentRollups({
  db,
  orgId,
  now = new Date(),
}: {
  db: Db;
  orgId: string;
  now?: Date;
}) {
  const days = Array.from({ length: RECENT_DAYS }, (_, i) => utcDay(new Date(now.getTime() - i * DAY_MS)));
  return refreshRollups({ db, orgId, days });
}

/**
 * The schedule's pass (Inngest's `usage-pull` cron, the embedded usage timer): every org's recent days, or
 * one org's when given (tests scope it as they scope the reconciler).
 */
export async function refreshAllRecentRollups({ db, orgId }: { db: Db; orgId?: string }) {
  const orgs = orgId ? [{ id: orgId }] : await db.select({ id: organizations.id }).from(organizations);
  let days = 0;
  for (const org of orgs) days += (await refreshRecentRollups({ db, orgId: org.id })).days.length;
  return { orgs: orgs.length, days };
}

/** "Refresh now" on the dashboards: the periodic pass for this org, for anyone who may read them. */
export async function refreshReportRollups({ ctx }: { ctx: Ctx }) {
  assertPermission(ctx, "audit.read");
  return refreshRecentRollups({ db: ctx.db, orgId: ctx.orgId });
}
