import type { ChildProcess } from "node:child_process";
import { openDb } from "@/db/client";
import { seedOrg } from "@/db/seed/org";
import { openCount, report, revokedByInstance, round, TARGETS } from "./expiry-storm-report";
import { seedApproved } from "./expiry-storm-seed";
import { demoCookie, measure } from "./pages-http";
import { seedPageBench } from "./pages-seed";
import { ensureBuild, freePort, openStore, startNext, stopServer, waitUntilUp } from "./server";
import { host, runIfMain, sleep } from "./stats";
import { moveExpiries, provisionAll } from "./storm-setup";

export type ServerStormOptions = {
  /** Grants per storm (two storms: idle, then under page load). */
  grants?: number;
  windowSeconds?: number;
  /** From seeding done to the first storm's first expiry: covers the server's start. */
  leadSeconds?: number;
  /** Page load starts this long before the second storm and ends this long after it. */
  warmupSeconds?: number;
  connections?: number;
  /** "off" runs the revocation lane on the server's main thread (ELEVATE_REVOCATION_THREAD=off). */
  thread?: "on" | "off";
};

/**
 * Revocation lateness measured on the server itself (`npm start`, Postgres), idle and under page load.
 * A throwaway database gets the page bench's data (50,000 requests) and two storm orgs of `grants` active
 * grants each, provisioned by the app's own code; their expiries are moved (bench only) into two
 * one-minute windows, the first `leadSeconds` after seeding, the second after it. Then the server starts
 * with its reconciler and revocation lane on, finds the expiries by its start-up scan, and revokes them;
 * during the second window autocannon loads the inbox, my-requests and admin grants pages of the same
 * server. Lateness = revokedAt − expiresAt from the database. Targets are judged, never thrown.
 */
export async function run(opts: ServerStormOptions = {}): Promise<Record<string, unknown>> {
  const root = process.cwd();
  const n = opts.grants ?? 5_000;
  const windowS = opts.windowSeconds ?? 60;
  const leadS = opts.leadSeconds ?? 45;
  const warmupS = opts.warmupSeconds ?? 15;
  const connections = opts.connections ?? 10;
  const thread = opts.thread ?? "on";
  const reconcileIntervalMs = 15_000;
  if (!ensureBuild(root)) return { bench: "expiry-storm-server", error: "next build failed" };
  const slug = `stormsrv-${Date.now().toString(36)}`;
  const store = await openStore(slug);
  if (store.kind !== "postgres") {
    await store.cleanup();
    // The server owns a PGlite directory alone: the bench could not watch the grants while it runs.
    return { bench: "expiry-storm-server", skipped: "needs DATABASE_URL (a Postgres server)" };
  }
  const hostBefore = host();
  let server: ChildProcess | undefined;
  const handle = await openDb(store.open);
  const { db } = handle;
  try {
    const s0 = performance.now();
    await seedPageBench(db, { slug });
    const storms = [];
    let provisionSeconds = 0;
    for (const phase of ["idle", "load"] as const) {
      const org = await seedOrg(db, { slug: `${slug}-${phase}`, name: `Storm ${phase}` });
      const seeded = await seedApproved(db, org, n);
      provisionSeconds += await provisionAll(db, org.org.id, seeded, 8);
      storms.push({ phase, org });
    }
    const seedSeconds = round((performance.now() - s0) / 1000);
    const t0 = Date.now() + leadS * 1000;
    const t1 = t0 + (windowS + 30 + warmupS) * 1000;
    await moveExpiries(db, storms[0].org.org.id, t0, windowS);
    await moveExpiries(db, storms[1].org.org.id, t1, windowS);

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    server = startNext(root, port, {
      ...store.env,
      ELEVATE_ORG_SLUG: slug,
      NEXTAUTH_URL: base,
      ELEVATE_RECONCILER: "on",
      ELEVATE_RECONCILE_INTERVAL_MS: String(reconcileIntervalMs),
      ELEVATE_REVOCATION_THREAD: thread,
      ELEVATE_INSTANCE_ID: "server",
    });
    await waitUntilUp(`${base}/signin`, server);
    const upAfterFirstExpiryMs = Date.now() - t0;

    // Idle: nothing but the storm.
    const idleDeadline = t1 - warmupS * 1000;
    while ((await openCount(db, storms[0].org.org.id)) > 0 && Date.now() < idleDeadline) await sleep(500);
    const idleHost = host();

    // Under load: the same server's pages, from before the second window opens until after it closes.
    await sleep(Math.max(0, idleDeadline - Date.now()));
    const approver = await demoCookie(base, "approver");
    const admin = await demoCookie(base, "admin");
    const seconds = Math.round((t1 + windowS * 1000 + warmupS * 1000 - Date.now()) / 1000);
    const share = (k: number) => Math.max(1, Math.round((connections * k) / 10));
    const load = Promise.all([
      measure(`${base}/inbox`, { cookie: approver, connections: share(4), seconds }),
      measure(`${base}/requests`, { cookie: approver, connections: share(3), seconds }),
      measure(`${base}/admin/grants`, { cookie: admin, connections: share(3), seconds }),
    ]);
    const pages = await load;
    const loadHost = host();
    const loadDeadline = Date.now() + 2 * reconcileIntervalMs + 30_000;
    while ((await openCount(db, storms[1].org.org.id)) > 0 && Date.now() < loadDeadline) await sleep(500);

    const figures = [];
    for (const s of storms) {
      const r = await report(db, s.org, reconcileIntervalMs);
      figures.push({
        phase: s.phase,
        revocationLatenessMs: r.revocationLatenessMs,
        // Only a storm revoked in full is judged: the p99 of the few done so far says nothing.
        latenessP99:
          r.revocationLatenessMs.n === n && r.targets.latenessP99.result === "pass" ? "pass" : "fail",
        states: r.states,
        revokedBy: await revokedByInstance(db, s.org.org.id),
        revokedEventsPerGrant: r.revokedEventsPerGrant,
        bindingsLeft: r.bindingsLeft,
        accessAfterExpiry: r.accessAfterExpiry,
        roleRefsLeft: r.roleRefsLeft,
        audit: r.audit,
      });
    }
    const [idle, loaded] = figures;
    return {
      bench: "expiry-storm-server",
      server:
        "npm start on Postgres, reconciler on, revocation lane " +
        (thread === "on" ? "on its own thread" : "on the main thread"),
      grantsPerStorm: n,
      windowSeconds: windowS,
      reconcileIntervalMs,
      serverUpAfterFirstExpiryMs: upAfterFirstExpiryMs,
      seed: { seconds: seedSeconds, provisionSeconds: round(provisionSeconds) },
      targets: {
        latenessP99Ms: TARGETS.LATENESS_P99_MS,
        idle: idle.latenessP99,
        underLoad: loaded.latenessP99,
      },
      idle: { ...idle, host: idleHost },
      underLoad: {
        ...loaded,
        host: loadHost,
        pageLoad: { connections, seconds, routes: pages },
      },
      host: { before: hostBefore, after: host() },
    };
  } finally {
    if (server?.pid) stopServer(server);
    await handle.close();
    await store.cleanup();
  }
}

/** `npx tsx bench/expiry-storm-server.ts [--grants N] [--window S] [--thread on|off]` */
function cliOptions(argv: string[]): ServerStormOptions {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i < 0 ? undefined : argv[i + 1];
  };
  const num = (flag: string) => (value(flag) === undefined ? undefined : Number(value(flag)));
  const thread = value("--thread");
  return {
    grants: num("--grants"),
    windowSeconds: num("--window"),
    thread: thread === "off" ? "off" : "on",
  };
}

runIfMain(import.meta.url, () => run(cliOptions(process.argv.slice(2))));
