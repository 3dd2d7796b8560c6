import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { auditEvents, grants } from "@/db/schema";
import type { SeededOrg } from "@/db/seed/org";
import { scheduledGrant } from "@/lib/grants/__tests__/fixtures";
import { provisionGrant } from "@/lib/grants/provision";

/** Shared by the lane tests: on the main thread (both databases) and on its own thread (Postgres). */
export async function expiredGrants(db: Db, org: SeededOrg, n: number): Promise<string[]> {
  const ids: string[] = [];
  const clouds = ["aws", "gcp", "azure"] as const;
  for (let i = 0; i < n; i++) {
    const s = await scheduledGrant(db, org, { cloud: clouds[i % 3] });
    await provisionGrant({ ctx: s.ctx, input: { grantId: s.grant.id } });
    ids.push(s.grant.id);
  }
  await db
    .update(grants)
    .set({ expiresAt: new Date(Date.now() - 1000) })
    .where(inArray(grants.id, ids));
  return ids;
}

/** Polls until every grant left `active`/`revoking` (a liveness wait: the assertions are on the outcome). */
export async function settled(db: Db, ids: string[]) {
  const until = Date.now() + 30_000;
  for (;;) {
    const rows = await db
      .select({ status: grants.status })
      .from(grants)
      .where(and(inArray(grants.id, ids), inArray(grants.status, ["active", "revoking"])));
    if (rows.length === 0 || Date.now() > until) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function revokedCounts(db: Db, orgId: string) {
  const rows = await db
    .select({ subjectId: auditEvents.subjectId })
    .from(auditEvents)
    .where(and(eq(auditEvents.orgId, orgId), eq(auditEvents.action, "grant.revoked")));
  const per = new Map<string, number>();
  for (const r of rows) per.set(r.subjectId, (per.get(r.subjectId) ?? 0) + 1);
  return per;
}
