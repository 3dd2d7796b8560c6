// Usage dashboards over a million usage events: the dashboard read (the verb /reports/usage renders) at
// p95 against the same read for an org with no data. Run alone with `npx tsx bench/usage-reports.ts`;
// bench/index.ts calls run(). Seeds a throwaway database: a fresh one on DATABASE_URL's server, else
// PGlite in a temp dir.

import path from "node:path";
import { pathToFileURL } from "node:url";
import { sql } from "drizzle-orm";
import { type Db, openDb } from "@/db/client";
import { seedOrg } from "@/db/seed/org";
import { getUsageDashboard, refreshRollups } from "@/lib/usage/reports";
import { systemCtx } from "@/lib/workflows/system-ctx";
import { seedHistory } from "./history-seed";
import { openStore } from "./server";
import { summary } from "./stats";

export type UsageReportsOptions = { events?: number; grants?: number; days?: number; iterations?: number };

const FACTOR = 3;
const PERMISSIONS = [
  "ssm:StartSession",
  "ssm:TerminateSession",
  "ssm:DescribeSessions",
  "ec2:DescribeInstances",
  "ec2:StartInstances",
  "ec2:StopInstances",
  "ec2:TerminateInstances",
];
const GRANTED = PERMISSIONS.slice(0, 4);
const DAY_MS = 86_400_000;

export async function run(opts: UsageReportsOptions = {}): Promise<Record<string, unknown>> {
  const events = opts.events ?? 1_000_000;
  const grantCount = opts.grants ?? 5_000;
  const days = opts.days ?? 90;
  const iterations = opts.iterations ?? 40;
  const slug = `usagebench-${Date.now().toString(36)}`;
  const store = await openStore(slug);
  const handle = await openDb(store.open);
  try {
    const db = handle.db;
    const full = await seedOrg(db, { slug, name: "Usage bench" });
    const empty = await seedOrg(db, { slug: `${slug}-empty`, name: "Usage bench (no data)" });
    const end = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);
    const start = new Date(end.getTime() - days * DAY_MS);

    const seedStarted = performance.now();
    await seed(db, full, { events, grants: grantCount, start, end });
    const seedSeconds = seconds(seedStarted);

    const allDays = Array.from({ length: days + 1 }, (_, i) => new Date(start.getTime() + i * DAY_MS));
    const rollupStarted = performance.now();
    await refreshRollups({ db, orgId: full.org.id, days: allDays });
    await refreshRollups({ db, orgId: empty.org.id, days: allDays });
    const rollupSeconds = seconds(rollupStarted);
    // What an import of one day's logs costs afterwards: that day and its grants' activation days.
    const dayStarted = performance.now();
    const oneDay = await refreshRollups({ db, orgId: full.org.id, days: [allDays[days - 1]] });
    const oneDaySeconds = seconds(dayStarted);

    const input = { now: end };
    const measure = async (orgId: string) => {
      const ctx = systemCtx(db, orgId, "bench");
      for (let i = 0; i < 5; i++) await getUsageDashboard({ ctx, input });
      const ms: number[] = [];
      for (let i = 0; i < iterations; i++) {
        const t = performance.now();
        await getUsageDashboard({ ctx, input });
        ms.push(performance.now() - t);
      }
      return summary(ms, [50, 95]);
    };
    const emptyMs = await measure(empty.org.id);
    const fullMs = await measure(full.org.id);
    const filtered = await (async () => {
      const ctx = systemCtx(db, full.org.id, "bench");
      const f = { now: end, targetId: full.targets.aws.id, templateKey: "vm.ssh", group: "engineering" };
      const ms: number[] = [];
      for (let i = 0; i < iterations; i++) {
        const t = performance.now();
        await getUsageDashboard({ ctx, input: f });
        ms.push(performance.now() - t);
      }
      return summary(ms, [50, 95]);
    })();
    const ratio = Math.round((fullMs.p95 / Math.max(emptyMs.p95, 0.1)) * 100) / 100;
    return {
      bench: "usage-reports",
      database: handle.kind,
      events,
      grants: grantCount,
      days,
      iterations,
      seedSeconds,
      rollupSeconds,
      rollupRows: await count(
        db,
        sql`select count(*)::int as n from report_daily where org_id = ${full.org.id}`,
      ),
      oneDayRefresh: { seconds: oneDaySeconds, days: oneDay.days.length },
      dashboardMs: { empty: emptyMs, million: fullMs, filtered },
      p95Ratio: ratio,
      target: `million p95 <= ${FACTOR}x empty p95`,
      pass: fullMs.p95 <= FACTOR * Math.max(emptyMs.p95, 0.1),
    };
  } finally {
    await handle.close();
    await store.cleanup();
  }
}

/** Bulk seed: completed requests and their revoked grants (bench/history-seed.ts), then the usage events. */
async function seed(
  db: Db,
  org: Awaited<ReturnType<typeof seedOrg>>,
  o: { events: number; grants: number; start: Date; end: Date },
) {
  const orgId = org.org.id;
  await seedHistory(db, org, { ...o, permissions: GRANTED, decidedSpreadSeconds: 600 });
  const perms = sql.raw(`array[${PERMISSIONS.map((p) => `'${p}'`).join(", ")}]`);
  const chunk = 200_000;
  for (let from = 0; from < o.events; from += chunk) {
    const to = Math.min(o.events, from + chunk) - 1;
    await db.execute(sql`
      with g as (select id, activated_at, row_number() over (order by activated_at) - 1 as rn
                 from grants where org_id = ${orgId})
      insert into usage_events (org_id, cloud, event_id, occurred_at, target_id, principal, session_name,
        permission, allowed, operation, attribution, grant_id)
      select ${orgId}, 'aws', 'bench-' || i, g.activated_at + (i % 3000) * interval '1 second', ${org.targets.aws.id},
        'arn:aws:sts::111122223333:assumed-role/elevate/' || g.id, g.id::text,
        (${perms})[1 + i % 7], i % 20 <> 0, (${perms})[1 + i % 7],
        case when i % 5 = 0 then 'standing' else 'grant' end, case when i % 5 = 0 then null else g.id end
      from generate_series(${from}::int, ${to}::int) i join g on g.rn = i % ${o.grants}::int`);
  }
}

// postgres.js answers a rows array; PGlite `{ rows }`.
function rows<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : (result as { rows: T[] }).rows;
}

async function count(db: Db, query: ReturnType<typeof sql>) {
  return rows<{ n: number }>(await db.execute(query))[0].n;
}

const seconds = (t: number) => Math.round((performance.now() - t) / 100) / 10;

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const events = Number(process.argv[2] ?? 1_000_000);
  run({ events }).then((r) => process.stdout.write(`${JSON.stringify(r)}\n`));
}
