import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { openDb } from "@/db/client";
import { env } from "@/lib/env";
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
  if (!isBuildCurrent(root)) {
    // The build's own output goes to stderr so stdout stays one JSON line per bench.
    const built = spawnSync("npx", ["next", "build"], { cwd: root, stdio: ["ignore", 2, 2] });
    if (built.status !== 0) return { bench: "pages", error: `next build failed (exit ${built.status})` };
  }
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

type Store = {
  kind: "postgres" | "pglite";
  open: { url?: string; dataDir?: string };
  env: Record<string, string>;
  cleanup: () => Promise<void>;
};

/** A throwaway database beside DATABASE_URL's (dropped afterwards), or a PGlite directory in /tmp. */
async function openStore(slug: string): Promise<Store> {
  const url = env().DATABASE_URL;
  if (!url) {
    const dir = mkdtempSync(path.join(tmpdir(), "elevate-pagebench-"));
    return {
      kind: "pglite",
      open: { dataDir: path.join(dir, "pglite") },
      env: { ELEVATE_DATA_DIR: dir },
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const { default: postgres } = await import("postgres");
  const name = slug.replace(/-/g, "_");
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const benchUrl = new URL(url);
  benchUrl.pathname = `/${name}`;
  return {
    kind: "postgres",
    open: { url: benchUrl.toString() },
    env: { DATABASE_URL: benchUrl.toString() },
    cleanup: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** The server as operators start it (package.json's start script, with its Node flags), on loopback. */
function startNext(root: string, port: number, extra: Record<string, string>): ChildProcess {
  return spawn("npm", ["run", "--silent", "start", "--", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
    detached: true, // its own process group: its CPU is measured, and stopping it stops npm's children too
    env: {
      ...process.env,
      ...extra,
      NODE_ENV: "production",
      ELEVATE_DEMO: "1",
      ELEVATE_RECONCILER: "off", // the bench measures page reads, not background work
      NEXTAUTH_SECRET: randomBytes(24).toString("hex"),
      LOG_LEVEL: "warn",
    },
  });
}

function stopServer(server: ChildProcess): void {
  try {
    process.kill(-server.pid!, "SIGTERM");
  } catch {
    server.kill("SIGTERM");
  }
}

async function waitUntilUp(url: string, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`npm start exited with code ${server.exitCode}`);
    try {
      if ((await fetch(url, { redirect: "manual" })).status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`npm start did not answer ${url} within 60 s`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      srv.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

function startScript(root: string): string {
  const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
    scripts?: Record<string, string>;
  };
  return pkg.scripts?.start ?? "(none)";
}

const SOURCE_DIRS = ["app", "components", "lib", "db", "public"];

/** True when .next holds a build newer than every source file: the bench measures what is checked out. */
function isBuildCurrent(root: string): boolean {
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (!existsSync(buildId)) return false;
  const built = statSync(buildId).mtimeMs;
  const newer = (dir: string): boolean =>
    existsSync(dir) &&
    readdirSync(dir, { withFileTypes: true }).some((e) =>
      e.isDirectory() ? newer(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).mtimeMs > built,
    );
  return !SOURCE_DIRS.some((d) => newer(path.join(root, d)));
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
