// The compliance access report over many grants: building it (the verb /reports/compliance and the API
// call), and rendering it as CSV and as PDF, with the PDF's size and page count and the heap growth.
// Run alone with `npx tsx bench/compliance-report.ts [grants]`; bench/index.ts calls run(). Seeds a
// throwaway database: a fresh one on DATABASE_URL's server, else PGlite in a temp dir.

import path from "node:path";
import { pathToFileURL } from "node:url";
import { openDb } from "@/db/client";
import { seedOrg } from "@/db/seed/org";
import { buildAccessReport, renderAccessReport } from "@/lib/compliance";
import { systemCtx } from "@/lib/workflows/system-ctx";
import { seedHistory } from "./history-seed";
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
    await seedHistory(db, org, {
      grants: grantCount,
      start,
      end,
      permissions: ["ssm:StartSession"],
      removalEvidence: true,
    });
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

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  run({ grants: Number(process.argv[2] ?? 10_000) }).then((r) =>
    process.stdout.write(`${JSON.stringify(r)}\n`),
  );
}
