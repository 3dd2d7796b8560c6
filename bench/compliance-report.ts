// The compliance access report over many grants: building it (the verb /reports/compliance and the API
// call), and rendering it as CSV and as PDF, with the PDF's size and page count and the heap growth.
// Run alone with `npx tsx bench/compliance-report.ts [grants]`; bench/index.ts calls run(). Seeds a
// throwaway database: a fresh one on DATABASE_URL's server, else PGlite in a temp dir.

import path from "node:path";
import { pathToFileURL } from "node:url";
import { eq, sql } from "drizzle-orm";
import { openDb } from "@/db/client";
import { policies } from "@/db/schema";
import { seedOrg } from "@/db/seed/org";
import { buildAccessReport, renderAccessReport } from "@/lib/compliance";
import { systemCtx } from "@/lib/workflows/system-ctx";
import { openStore } from "./server";
import { summary } from "./stats";

const DAY_MS = 86_400_000;

export async function run(
  opts: { grants?: number; iterations?: number } = {},
): Promise<Record<string, unknown>> {
  const grantCount = opts.grants ?? 10_000;
  const iterations = opts.iterations ?? 5;
  const slug = `compliancebench-${Date.now().toString(36)}`;
  const store = await openStore(slug);
  const handle = await openDb(store.open);
  try {
    const db = handle.db;
    const org = await seedOrg(db, { slug, name: "Compliance bench" });
    const end = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);
    const start = new Date(end.getTime() - 30 * DAY_MS);
    await seed(db, org, grantCount, start, end);
    const ctx = systemCtx(db, org.org.id, "bench");
    const input = { from: start.toISOString(), to: end.toISOString(), by: "person" as const };
    await buildAccessReport({ ctx, input });
    const heapBefore = process.memoryUsage().heapUsed;
    const build: number[] = [];
    let report = await buildAccessReport({ ctx, input });
    for (let i = 0; i < iterations; i++) {
      const t = performance.now();
      report = await buildAccessReport({ ctx, input });
      build.push(performance.now() - t);
    }
    const heapGrowthMb = Math.round((process.memoryUsage().heapUsed - heapBefore) / 1e5) / 10;
    const timed = async (format: "csv" | "pdf") => {
      const t = performance.now();
      const file = await renderAccessReport(report, format);
      return {
        ms: Math.round(performance.now() - t),
        bytes: typeof file.body === "string" ? Buffer.byteLength(file.body) : file.body.length,
      };
    };
    const csv = await timed("csv");
    const pdf = await timed("pdf");
    return {
      bench: "compliance-report",
      store: store.kind,
      grants: report.access.reduce((n, g) => n + g.grants, 0),
      buildMs: summary(build, [50, 95]),
      csv,
      pdf,
      heapGrowthMb,
      loadavg: (await import("node:os")).loadavg().map((l) => Math.round(l * 10) / 10),
    };
  } finally {
    await handle.close();
    await store.cleanup();
  }
}

/** Completed requests with one approval each and revoked grants with removal evidence, in bulk. */
async function seed(
  db: Awaited<ReturnType<typeof openDb>>["db"],
  org: Awaited<ReturnType<typeof seedOrg>>,
  n: number,
  start: Date,
  end: Date,
) {
  const orgId = org.org.id;
  const span = (end.getTime() - start.getTime()) / 1000;
  const [policy] = await db
    .select({ id: policies.id })
    .from(policies)
    .where(eq(policies.orgId, orgId))
    .limit(1);
  const people = [org.users.requester.id, org.users.approver.id, org.users.admin.id];
  await db.execute(sql`
    insert into access_requests (org_id, requester_id, target_id, template_id, duration_seconds, justification,
      status, policy_id, approvals_required, approver_group, created_at, decided_at)
    select ${orgId}, (array[${sql.join(
      people.map((p) => sql`${p}::uuid`),
      sql`, `,
    )}])[1 + i % 3], ${org.targets.aws.id}, ${org.template("vm.ssh").id}, 3600, 'bench', 'completed', ${policy.id}, 1,
      'approvers', ${start.toISOString()}::timestamptz + (i * ${span / n}::float8) * interval '1 second',
      ${start.toISOString()}::timestamptz + (i * ${span / n}::float8 + 60) * interval '1 second'
    from generate_series(0, ${n - 1}::int) i`);
  const spec = JSON.stringify({
    cloud: "aws",
    permissions: ["ssm:StartSession"],
    resource: null,
    hash: "bench",
    roleName: "bench",
    document: {},
  });
  await db.execute(sql`
    insert into grants (org_id, request_id, target_id, user_id, status, role_spec, duration_seconds, activated_at,
      expires_at, revoked_at, revoke_reason, evidence, created_at)
    select r.org_id, r.id, r.target_id, r.requester_id, 'revoked', ${spec}::jsonb, 3600,
      r.decided_at + interval '20 seconds', r.decided_at + interval '3620 seconds',
      r.decided_at + interval '3620 seconds' + (r.created_at - date_trunc('minute', r.created_at)), 'expired',
      jsonb_build_object('removal', jsonb_build_object('requestIds', jsonb_build_array('bench-' || r.id), 'inspected',
        jsonb_build_object('present', false), 'at', (r.decided_at + interval '3630 seconds')::text)), r.decided_at
    from access_requests r where r.org_id = ${orgId}`);
  await db.execute(sql`
    insert into approvals (org_id, request_id, approver_id, verdict, channel, created_at)
    select r.org_id, r.id, ${org.users.approver2.id}, 'approve', 'web', r.decided_at
    from access_requests r where r.org_id = ${orgId}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  run({ grants: Number(process.argv[2] ?? 10_000) }).then((r) =>
    process.stdout.write(`${JSON.stringify(r)}\n`),
  );
}
