import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { env } from "@/lib/env";

/** What the benches that run `npm start` share: a throwaway database, the server, the build. */

export type Store = {
  kind: "postgres" | "pglite";
  open: { url?: string; dataDir?: string };
  env: Record<string, string>;
  cleanup: () => Promise<void>;
};

/** A throwaway database beside DATABASE_URL's (dropped afterwards), or a PGlite directory in /tmp. */
export async function openStore(slug: string): Promise<Store> {
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

/**
 * The server as operators start it (package.json's start script, with its Node flags), on loopback. The
 * reconciler and revocation lane are off unless `extra` turns them on (ELEVATE_RECONCILER=on).
 * `logs: "pipe"` hands its stdout (pino's JSON lines) and stderr to the caller instead of dropping them.
 */
export function startNext(
  root: string,
  port: number,
  extra: Record<string, string>,
  opts: { logs?: "pipe" } = {},
): ChildProcess {
  return spawn("npm", ["run", "--silent", "start", "--", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: root,
    stdio: ["ignore", opts.logs === "pipe" ? "pipe" : "ignore", opts.logs === "pipe" ? "pipe" : "inherit"],
    detached: true, // its own process group: its CPU is measured, and stopping it stops npm's children too
    env: {
      ...process.env,
      ELEVATE_RECONCILER: "off", // the page bench measures page reads, not background work
      LOG_LEVEL: "warn",
      ...extra,
      NODE_ENV: "production",
      ELEVATE_DEMO: "1",
      NEXTAUTH_SECRET: randomBytes(24).toString("hex"),
    },
  });
}

export function stopServer(server: ChildProcess): void {
  try {
    process.kill(-server.pid!, "SIGTERM");
  } catch {
    server.kill("SIGTERM");
  }
}

export async function waitUntilUp(url: string, server: ChildProcess): Promise<void> {
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

export function freePort(): Promise<number> {
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

export function startScript(root: string): string {
  const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
    scripts?: Record<string, string>;
  };
  return pkg.scripts?.start ?? "(none)";
}

export const SOURCE_DIRS = ["app", "components", "lib", "db", "public"];

/** True when .next holds a build newer than every source file: the bench measures what is checked out. */
export function isBuildCurrent(root: string): boolean {
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

/** Builds the app when there is no production build or a source file is newer; false if the build fails. */
export function ensureBuild(root: string): boolean {
  if (isBuildCurrent(root)) return true;
  // The build's own output goes to stderr so stdout stays one JSON line per bench.
  const built = spawnSync("npx", ["next", "build"], { cwd: root, stdio: ["ignore", 2, 2] });
  return built.status === 0;
}
