import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { logger } from "@/lib/log";
import type { RevocationLane } from "./revocation-lane";

/** What the main thread tells the revocation thread, and what it answers. */
export type ToLane =
  | { type: "arm"; orgId: string; grantId: string; expiresAt: string | null }
  | { type: "disarm"; grantId: string }
  | { type: "start" }
  | { type: "idle"; id: number }
  | { type: "stop"; id: number };
export type FromLane =
  | { type: "ready" }
  | { type: "busy"; busy: boolean }
  | { type: "idle"; id: number }
  | { type: "stopped"; id: number };

export type RevocationThreadOptions = {
  /** The Postgres database: the thread opens its own pool on it. */
  url: string;
  scanIntervalMs: number;
  horizonMs?: number;
  orgId?: string;
  /** The lane to use if the thread cannot start or dies (the main thread's own). */
  fallback: () => RevocationLane;
  onBusy?: (busy: boolean) => void;
};

/**
 * The revocation lane on its own worker thread: its own event loop (page rendering and provisioning on the
 * main thread cannot delay its timers) and its own connection pool. The thread runs lib/ as the CLI does,
 * TypeScript through tsx (a runtime dependency), from the working directory the server runs in. If the
 * thread fails to start or dies, the main thread's lane takes over and re-arms from the database.
 */
export function startRevocationThread(opts: RevocationThreadOptions): RevocationLane {
  const root = process.cwd();
  const tsxDir = path.dirname(createRequire(path.join(root, "package.json")).resolve("tsx"));
  const api = pathToFileURL(path.join(tsxDir, "esm", "api", "index.mjs")).href;
  const entry = pathToFileURL(path.join(root, "lib", "workflows", "revocation-worker.ts")).href;
  // Registered inside the thread first: on Node 20, --import in a worker's execArgv races the entry.
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  const worker = new Worker(boot, {
    eval: true,
    workerData: {
      url: opts.url,
      scanIntervalMs: opts.scanIntervalMs,
      horizonMs: opts.horizonMs,
      orgId: opts.orgId,
    },
  });
  const replies = new Map<number, () => void>();
  let nextId = 1;
  let busy = false;
  let stopping = false;
  let fallback: RevocationLane | null = null;
  let started = false;

  // Once the thread has ended (stopped and terminated, or died) nothing will answer: ask no more.
  let ended = false;
  const ask = (type: "idle" | "stop") =>
    new Promise<void>((resolve) => {
      if (ended) return resolve();
      const id = nextId++;
      replies.set(id, resolve);
      worker.postMessage({ type, id } satisfies ToLane);
    });
  const send = (m: ToLane) => {
    if (fallback) {
      if (m.type === "arm") fallback.arm(m.orgId, m.grantId, m.expiresAt);
      else if (m.type === "disarm") fallback.disarm(m.grantId);
      return;
    }
    worker.postMessage(m);
  };

  worker.on("message", (m: FromLane) => {
    if (m.type === "busy") {
      busy = m.busy;
      opts.onBusy?.(m.busy);
    } else if (m.type === "idle" || m.type === "stopped") {
      replies.get(m.id)?.();
      replies.delete(m.id);
    }
  });
  const answerAll = () => {
    for (const r of replies.values()) r();
    replies.clear();
  };
  const takeOver = (why: unknown) => {
    ended = true;
    if (fallback) return;
    if (stopping) {
      // Ended while stopping (terminate() exits with code 1): nothing to take over, and nobody may wait
      // for an answer that cannot come.
      answerAll();
      return;
    }
    logger.error(
      { job: "revocation-lane", err: why },
      "revocation thread failed; the main thread takes over",
    );
    fallback = opts.fallback();
    if (started) fallback.start();
    busy = false;
    answerAll();
  };
  worker.on("error", takeOver);
  worker.on("exit", (code) => takeOver(new Error(`revocation thread exited with code ${code}`)));
  worker.unref();

  return {
    where: "thread",
    arm(orgId, grantId, expiresAt) {
      const at = expiresAt === null ? null : new Date(expiresAt).toISOString();
      send({ type: "arm", orgId, grantId, expiresAt: at });
    },
    disarm(grantId) {
      send({ type: "disarm", grantId });
    },
    busy: () => (fallback ? fallback.busy() : busy),
    start() {
      started = true;
      if (fallback) fallback.start();
      else worker.postMessage({ type: "start" } satisfies ToLane);
    },
    async stop() {
      stopping = true;
      if (fallback) return fallback.stop();
      await ask("stop");
      await worker.terminate();
    },
    idle() {
      return fallback ? fallback.idle() : ask("idle");
    },
  };
}
