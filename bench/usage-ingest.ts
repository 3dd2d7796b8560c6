// Usage ingest benchmark: synthetic CloudTrail (seeded) → parse + map + attribute + store, events/s; and
// resident memory growth while a 1 GB file goes through. Run alone with
// `NODE_OPTIONS=--expose-gc npx tsx bench/usage-ingest.ts` (the CLI and `npm start` expose gc too);
// bench/index.ts calls run(). Env: USAGE_BENCH_EVENTS (default 200000), USAGE_BENCH_MEMORY_MB (default 1024).
import { mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { and, eq, inArray } from "drizzle-orm";
import { openDb } from "@/db/client";
import { grants, usageEvents } from "@/db/schema";
import { seedOrg } from "@/db/seed/org";
import { loadOrgCatalog } from "@/lib/catalog";
import { env } from "@/lib/env";
import { filesOf, GrantIndex, importUsage } from "@/lib/usage";
import { Ingest } from "@/lib/usage/ingest/pipeline";
import { systemCtx } from "@/lib/workflows/system-ctx";
import { seedApproved } from "./expiry-storm-seed";
import { writeTrailFiles } from "./usage-ingest-gen";

const TARGET_EVENTS_PER_S = 50_000;
const TARGET_RSS_GROWTH_MB = 256;
const SEED = 20_261_202;
const MB = 1024 * 1024;

function sampler() {
  let max = process.memoryUsage().rss;
  const timer = setInterval(() => {
    max = Math.max(max, process.memoryUsage().rss);
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(max, process.memoryUsage().rss);
    },
  };
}

export async function run(): Promise<object> {
  const events = Number(process.env.USAGE_BENCH_EVENTS ?? 200_000);
  const memoryMb = Number(process.env.USAGE_BENCH_MEMORY_MB ?? 1024);
  const url = env().DATABASE_URL;
  const dir = mkdtempSync(path.join(tmpdir(), "elevate-usage-bench-"));
  // PGlite as the embedded default runs it: in a data folder on disk (ELEVATE_DATA_DIR/pglite), not in memory.
  const handle = await openDb({ url, dataDir: url ? null : path.join(dir, "pglite") });
  // As the CLI imports: mapping in a worker thread on PGlite, on this thread on Postgres
  // (USAGE_BENCH_PARALLEL=1 or 0 to choose).
  const parallel = (process.env.USAGE_BENCH_PARALLEL ?? (handle.kind === "pglite" ? "1" : "0")) === "1";
  try {
    const db = handle.db;
    const org = await seedOrg(db, { slug: `bench-usage-${Date.now()}`, name: "Usage bench" });
    // 50 active grants on the AWS target: 40 % of the synthetic calls come from their sessions.
    const seeded = await seedApproved(db, org, 150);
    const awsGrants = (
      await db
        .select({ id: grants.id })
        .from(grants)
        .where(and(eq(grants.orgId, org.org.id), eq(grants.targetId, org.targets.aws.id)))
    ).map((g) => g.id);
    await db
      .update(grants)
      .set({
        status: "active",
        activatedAt: new Date(Date.now() - 7_200_000),
        expiresAt: new Date(Date.now() + 7_200_000),
      })
      .where(inArray(grants.id, awsGrants));
    const ctx = systemCtx(db, org.org.id, "bench:usage-ingest");
    const account = org.targets.aws.externalId;

    // 1. Throughput: S3-delivery files of 5,000 records, every other one gzip, through the real import verb.
    const gen0 = performance.now();
    const written = await writeTrailFiles(dir, {
      seed: SEED,
      events,
      perFile: 5000,
      account,
      sessions: awsGrants,
      gzipEvery: 2,
    });
    const generateSeconds = (performance.now() - gen0) / 1000;
    await loadOrgCatalog(db, org.org.id); // loaded once per process; not part of an import's cost
    const t0 = performance.now();
    const summary = await importUsage({
      ctx,
      input: { source: "cli", name: "bench" },
      inputs: filesOf(dir),
      parallel,
    });
    const seconds = (performance.now() - t0) / 1000;
    // The import's own clock (summary.seconds) stops when every batch is stored, before the report roll-ups
    // of the imported days are refreshed; the target is about the ingest, the total is printed beside it.
    const eventsPerSecond = Math.round(summary.records / summary.seconds);
    const count = await db.$count(usageEvents, eq(usageEvents.orgId, org.org.id));
    for (const f of written.files) rmSync(f);

    // 2. Memory: one ~1 GB `{"Records":[…]}` file through parse + map + attribute (+ store on Postgres; on
    // PGlite the database lives in this process, so its growth would be the database's, not the ingest's).
    const big = path.join(dir, "big");
    rmSync(big, { recursive: true, force: true });
    mkdirSync(big);
    const perRecord = written.bytes / events;
    const bigEvents = Math.ceil((memoryMb * MB) / perRecord);
    await writeTrailFiles(big, {
      seed: SEED + 1,
      events: bigEvents,
      perFile: bigEvents,
      account,
      sessions: awsGrants,
    });
    const inputBytes = statSync(path.join(big, "trail-00000.json")).size;
    const catalog = await loadOrgCatalog(db, org.org.id);
    const index = await GrantIndex.load(db, org.org.id);
    (globalThis as { gc?: () => void }).gc?.();
    const baseline = process.memoryUsage().rss;
    const mem = sampler();
    const storeToDb = Boolean(url);
    const ingest = new Ingest({
      db,
      orgId: org.org.id,
      importId: summary.importId,
      catalog,
      index,
      targetId: null,
      parallel,
      ...(storeToDb ? {} : { store: async () => () => true }),
    });
    const m0 = performance.now();
    await ingest.readFile(path.join(big, "trail-00000.json"));
    await ingest.flush();
    await ingest.close();
    const memSeconds = (performance.now() - m0) / 1000;
    const peak = mem.stop();
    const growthMb = Math.round((peak - baseline) / MB);

    return {
      bench: "usage-ingest",
      database: handle.kind,
      parallel,
      seed: SEED,
      throughput: {
        events: summary.records,
        files: written.files.length,
        inputMb: Math.round(written.bytes / MB),
        generateSeconds: Math.round(generateSeconds * 100) / 100,
        seconds: summary.seconds,
        eventsPerSecond,
        withRollupRefreshSeconds: Math.round(seconds * 100) / 100,
        withRollupRefreshEventsPerSecond: Math.round(summary.records / seconds),
        mapped: summary.mapped,
        attributed: summary.attributed,
        unmappable: summary.unmappable,
        stored: count,
        target: TARGET_EVENTS_PER_S,
        pass: eventsPerSecond >= TARGET_EVENTS_PER_S,
      },
      memory: {
        inputMb: Math.round(inputBytes / MB),
        events: ingest.counts.records,
        stored: storeToDb ? "usage_events" : "skipped (PGlite runs in this process)",
        seconds: Math.round(memSeconds * 100) / 100,
        eventsPerSecond: Math.round(ingest.counts.records / memSeconds),
        baselineRssMb: Math.round(baseline / MB),
        peakRssMb: Math.round(peak / MB),
        growthMb,
        /** The importer collects every GC_EVERY_RECORDS records when the process exposes gc. */
        gcExposed: typeof (globalThis as { gc?: unknown }).gc === "function",
        target: TARGET_RSS_GROWTH_MB,
        pass: growthMb <= TARGET_RSS_GROWTH_MB,
      },
      grants: { active: awsGrants.length, seeded: seeded.length },
    };
  } finally {
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  run().then(
    (r) => {
      process.stdout.write(`${JSON.stringify(r)}\n`);
      process.exit(0);
    },
    (err) => {
      process.stdout.write(`${JSON.stringify({ bench: "usage-ingest", error: String(err) })}\n`);
      process.exit(1);
    },
  );
}
