import { performance } from "node:perf_hooks";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { grants } from "@/db/schema";
import { createInlineDriver } from "@/lib/workflows/inline";

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Provisions seeded grants the way the app does: one request.approved per request through an inline
 * driver that is never started (no timers scanned, no reconciler), `concurrency` in flight. Seconds taken.
 */
export async function provisionAll(
  db: Db,
  orgId: string,
  seeded: { requestId: string; grantId: string }[],
  concurrency: number,
): Promise<number> {
  const driver = createInlineDriver({ db, reconcileIntervalMs: 60_000, concurrency, reconcile: { orgId } });
  const p0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < seeded.length) {
      const r = seeded[next++];
      await nextTick();
      await driver.dispatch([
        { name: "request.approved", orgId, requestId: r.requestId, grantIds: [r.grantId] },
      ]);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await driver.stop();
  return (performance.now() - p0) / 1000;
}

/**
 * BENCH ONLY (as bench/shorten-expiry.ts): every active grant of the org expires inside [t0, t0 + window),
 * uniformly, in a random order, in the database and in the sandbox binding's condition alike.
 */
export async function moveExpiries(
  db: Db,
  orgId: string,
  t0: number,
  windowSeconds: number,
): Promise<{ id: string; expires_at: string | Date }[]> {
  const [{ n }] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(grants)
    .where(and(eq(grants.orgId, orgId), eq(grants.status, "active")));
  const moved = await db.execute(sql`
    with ranked as (
      select id, row_number() over (order by random()) - 1 as k from grants
      where org_id = ${orgId}::uuid and status = 'active')
    update grants g
    set expires_at = ${new Date(t0).toISOString()}::timestamptz
      + (ranked.k * ${(windowSeconds * 1000) / Math.max(1, n)}::float8) * interval '1 millisecond',
      updated_at = now()
    from ranked where g.id = ranked.id
    returning g.id, g.expires_at`);
  await db.execute(sql`
    update sandbox_bindings b set not_after = g.expires_at
    from grants g where g.org_id = ${orgId}::uuid and g.status = 'active'
      and b.target_id = g.target_id and b.binding_id = g.binding_id`);
  const rows = (moved as unknown as { rows?: unknown[] }).rows ?? moved;
  return rows as unknown as { id: string; expires_at: string | Date }[];
}
