import type { ChildProcess } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { openDb } from "@/db/client";
import {
  ensureBuild,
  freePort,
  openStore,
  startNext,
  startScript,
  stopServer,
  waitUntilUp,
} from "./next-server";
import { checkPage, demoCookie, measure, processGroupCpuMs, type RouteFigures } from "./pages-http";
import { seedPageBench } from "./pages-seed";

export type PagesOptions = {
  seconds?: number;
  /** Load before each route's measured run (same connections), to measure a warmed-up server. */
  warmupSeconds?: number;
  connections?: number;
  requests?: number;
  activeGrants?: number;
};

const P95_MAX_MS = 100;
const FLOOR_FACTOR = 3;

/**
 * Portal latency with data: seeds 50,000 requests and 5,000 active grants in a fresh org (a fresh database
 * on DATABASE_URL's server, else PGlite in a temp dir), runs `npm start` on loopback against it and
 * measures the inbox, my-requests and admin grants pages at 10 connections, next to a static route as the
 * floor (/robots.txt, prerendered at build and served by the same router as the pages). A built static file
 * is measured too, for reference: it skips the router, so it is a lower floor than any route.
 * Builds the app first when there is no production build, or when a source file is newer than it.
 */
export async function run(opts: PagesOptions = {}): Promise<Record<string, unknown>> {
  const root = process.cwd();
  if (!ensureBuild(root)) return { bench: "pages", error: "next build failed" };
  const seconds = opts.seconds ?? 10;
  const warmupSeconds = opts.warmupSeconds ?? 10;
  const connections = opts.connections ?? 10;
  const slug = `pagebench-${Date.now().toString(36)}`;
  const store = await openStore(slug);
  let server: ChildProcess | undefined;
  try {
    const seedStarted = performance.now();
    const handle = await openDb(store.open);
    const seed = await seedPageBench(handle.db, {
      slug,
      requests: opts.requests ?? 50_000,
      activeGrants: opts.activeGrants ?? 5_000,
    });
    await handle.close(); // PGlite allows one process at a time: hand the data to the server
    const seedSeconds = Math.round((performance.now() - seedStarted) / 100) / 10;

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    server = startNext(root, port, { ...store.env, ELEVATE_ORG_SLUG: slug, NEXTAUTH_URL: base });
    await waitUntilUp(`${base}/signin`, server);
    const approver = await demoCookie(base, "approver");
    const admin = await demoCookie(base, "admin");

    // The floor the targets compare with; references are reported beside it but have no target.
    type Kind = "floor" | "reference" | "page";
    const routes: { name: string; kind: Kind; path: string; cookie?: string; marker?: string }[] = [
      { name: "static-route", kind: "floor", path: "/robots.txt", marker: "Disallow: /" },
      { name: "static-file", kind: "reference", path: staticAsset(root) },
      // The cheapest dynamic page (signed out, no query): what rendering any page costs before its data.
      { name: "signin-no-data", kind: "reference", path: "/signin", marker: "Demo personas" },
      { name: "inbox", kind: "page", path: "/inbox", cookie: approver, marker: 'data-testid="inbox-' },
      {
        name: "my-requests",
        kind: "page",
        path: "/requests",
        cookie: approver,
        marker: 'data-testid="request-',
      },
      {
        name: "admin-grants",
        kind: "page",
        path: "/admin/grants",
        cookie: admin,
        marker: 'data-testid="admin-grant-',
      },
    ];
    const results: (RouteFigures & {
      name: string;
      kind: Kind;
      rendered: boolean;
      serverCpuMsPerRequest: number | null;
    })[] = [];
    for (const r of routes) {
      const url = `${base}${r.path}`;
      const check = await checkPage(url, r.cookie, r.marker);
      // Not recorded: the JIT needs tens of seconds under load to settle; a server runs for days.
      await measure(url, { cookie: r.cookie, connections, seconds: warmupSeconds });
      const cpuBefore = processGroupCpuMs(server.pid);
      const figures = await measure(url, { cookie: r.cookie, connections, seconds });
      const cpuAfter = processGroupCpuMs(server.pid);
      results.push({
        name: r.name,
        kind: r.kind,
        rendered: check.ok,
        ...figures,
        serverCpuMsPerRequest:
          cpuBefore !== null && cpuAfter !== null && figures.requests > 0
            ? Math.round(((cpuAfter - cpuBefore) / figures.requests) * 100) / 100
            : null,
      });
    }
    const floor = results.find((r) => r.kind === "floor") as (typeof results)[number];
    return {
      bench: "pages",
      db: store.kind,
      seed: { ...seed, seconds: seedSeconds },
      server: `npm start: ${startScript(root)}`,
      load: { connections, seconds, warmupSeconds },
      targets: { p95MaxMs: P95_MAX_MS, floorFactor: FLOOR_FACTOR },
      routes: results.map((r) => ({
        ...r,
        ...(r.kind !== "page"
          ? {}
          : {
              p95Under100ms: r.p95 <= P95_MAX_MS ? "pass" : "fail",
              p95Within3xFloor: r.p95 <= FLOOR_FACTOR * floor.p95 ? "pass" : "fail",
            }),
      })),
    };
  } finally {
    if (server?.pid) stopServer(server);
    await store.cleanup();
  }
}

/** Any built chunk: served from disk by Next's static-file handler, before routing. */
function staticAsset(root: string): string {
  const dir = path.join(root, ".next", "static", "chunks");
  const file = readdirSync(dir).find((f) => f.endsWith(".js"));
  if (!file) throw new Error("no static chunk in .next/static/chunks");
  return `/_next/static/chunks/${file}`;
}

/** `npx tsx bench/pages.ts [--seconds N] [--warmup N]`: the defaults are 10 and 10. */
function cliOptions(argv: string[]): PagesOptions {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    if (i < 0) return undefined;
    const n = Number(argv[i + 1]);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${flag} needs a number of seconds`);
    return n;
  };
  return { seconds: value("--seconds"), warmupSeconds: value("--warmup") };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  run(cliOptions(process.argv.slice(2))).then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      process.exit("error" in result ? 1 : 0);
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
