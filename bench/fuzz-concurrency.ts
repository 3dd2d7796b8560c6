import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { and, eq, sql } from "drizzle-orm";
import { openDb } from "@/db/client";
import { accessRequests, auditEvents, grants } from "@/db/schema";
import { seedOrg } from "@/db/seed/org";
import { verifyAuditChain } from "@/lib/audit/verify";
import { createApiToken } from "@/lib/tokens";
import { systemCtx } from "@/lib/workflows/system-ctx";
import {
  type Auth,
  type FuzzOrg,
  grantConflicts,
  noise,
  type Op,
  type Outcome,
  requestConflicts,
  rng,
  send,
  submits,
  type Who,
} from "./fuzz-ops";
import { demoCookie } from "./pages-http";
import { ensureBuild, freePort, openStore, startNext, stopServer, waitUntilUp } from "./server";

export type FuzzOptions = {
  seed?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  rounds?: number;
  /** Requests submitted (and then fought over) per round. */
  perRound?: number;
  /** Busy-loop child processes beside the server, to widen race windows; default one per core. */
  burners?: number;
  timeoutMs?: number;
};

const WHO: Who[] = ["requester", "approver", "approver2", "admin", "auditor"];
/** A request's one transition has been taken (or it is still pending, when every attempt at it was refused). */
const REQUEST_STATES = new Set(["pending", "approved", "denied", "cancelled", "completed"]);

/**
 * Concurrency fuzz (issue 10 point 18): `npm start` on a throwaway database with every core kept busy, then
 * `rounds` of seeded bursts at `concurrency` in flight: submissions, then conflicting decisions and
 * cancellations on each new request, then conflicting revocations and extensions on each new grant, with
 * invalid input and reads in between. Any 5xx (or a server action's `internal`, or a hang) is a failure,
 * reported with its request, response and the server's log lines. Afterwards the database is checked: every
 * request in one state, one revocation per grant at most, the audit chain intact.
 */
export async function run(opts: FuzzOptions = {}): Promise<Record<string, unknown>> {
  const root = process.cwd();
  if (!ensureBuild(root)) return { bench: "fuzz-concurrency", error: "next build failed" };
  const seed = opts.seed ?? 18;
  const concurrency = opts.concurrency ?? 48;
  const rounds = opts.rounds ?? 6;
  const perRound = opts.perRound ?? 40;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const r = rng(seed);
  const slug = `fuzzbench-${Date.now().toString(36)}`;
  const store = await openStore(slug);
  let server: ChildProcess | undefined;
  const burners: ChildProcess[] = [];
  const logs: { at: number; line: string }[] = [];
  try {
    // The server starts on an empty database: the first demo sign-ins, all at once, create the org.
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const serverEnv = { ...store.env, ...SERVER_ENV, ELEVATE_ORG_SLUG: slug, NEXTAUTH_URL: base };
    const boot = async () => {
      const s = startNext(root, port, serverEnv, { logs: "pipe" });
      collectLogs(s, logs);
      await waitUntilUp(`${base}/signin`, s);
      return s;
    };
    server = await boot();
    const signIns = await Promise.all(
      WHO.flatMap((who) => Array.from({ length: 4 }, () => signIn(base, who))),
    );
    if (store.kind === "pglite") {
      // PGlite allows one process at a time: the bench mints its tokens while the server is down.
      stopServer(server);
      await waitForExit(server);
    }
    const handle = await openDb(store.open);
    const seeded = await seedOrg(handle.db, { slug, name: "Fuzz bench" }); // already there: reads it back
    const tokens = {} as Record<Who, string>;
    for (const who of WHO) {
      const made = await createApiToken({
        ctx: systemCtx(handle.db, seeded.org.id, "fuzz"),
        input: { name: `fuzz-${who}`, userId: seeded.users[who].id },
      });
      tokens[who] = made.token;
    }
    await handle.close();
    if (store.kind === "pglite") server = await boot();
    const cookies = {} as Record<Who, string>;
    for (const who of WHO) cookies[who] = await demoCookie(base, who);
    const auth: Auth = { tokens, cookies };
    const org: FuzzOrg = {
      targetId: seeded.targets.aws.id,
      templateId: seeded.template("vm.ssh").id,
      actions: serverActions(root),
    };

    for (let i = 0; i < (opts.burners ?? os.cpus().length); i++) burners.push(burn());
    const load = sampleLoad();
    const outcomes: Outcome[] = [...signIns];
    const ids = { requests: [] as string[], grants: [] as string[] };
    const earlier: string[] = [];
    const fire = (bursts: Op[][], noiseEvery: number) =>
      runBursts(
        base,
        auth,
        withNoise(bursts, noiseEvery, () => noise(org, r, ids)),
        concurrency,
        timeoutMs,
        outcomes,
      );
    const started = performance.now();

    for (let round = 0; round < rounds; round++) {
      const submitted = await fire(submits(org, r, perRound), 3);
      const created = submitted.filter((o) => o.op.name.startsWith("submit") && o.status === 201);
      const requests = created.map((o) => JSON.parse(o.body) as { id: string; requester: { id: string } });
      ids.requests.push(...requests.map((q) => q.id));
      const owner = (userId: string): Who =>
        (WHO.find((w) => seeded.users[w].id === userId) ?? "requester") as Who;
      await fire(
        requests.map((q) => requestConflicts(org, r, q.id, owner(q.requester.id))),
        2,
      );
      // This round's new grants, and again the earlier rounds' (expiring by now, or being revoked).
      const active = await activeGrants(base, auth, [...requests.map((q) => q.id), ...earlier]);
      earlier.push(...requests.map((q) => q.id));
      ids.grants.push(...active.map((g) => g.id));
      await fire(
        active.map((g) => grantConflicts(org, r, g.id, owner(g.userId), g.expiresAt)),
        2,
      );
    }
    const seconds = (performance.now() - started) / 1000;
    const loadavg = load.stop();
    for (const b of burners) b.kill("SIGKILL");
    burners.length = 0;
    stopServer(server);
    await waitForExit(server);
    server = undefined;

    const failures = outcomes.filter((o) => o.serverError);
    const consistency = await checkConsistency(store.open, seeded.org.id);
    return {
      bench: "fuzz-concurrency",
      db: store.kind,
      seed,
      concurrency,
      rounds,
      perRound,
      burners: opts.burners ?? os.cpus().length,
      requests: outcomes.length,
      seconds: Math.round(seconds * 10) / 10,
      loadavg,
      statuses: countBy(outcomes.map((o) => String(o.status))),
      byOp: countBy(outcomes.map((o) => `${o.op.name} ${o.status}`)),
      serverErrors: failures.length,
      serverErrorsByOp: countBy(failures.map((o) => `${o.op.name} ${o.status}`)),
      consistency,
      serverLogErrors: logErrors(logs),
      failures: failures.slice(0, 20).map((o) => failureReport(o, logs)),
      pass: failures.length === 0 && consistency.ok ? "pass" : "fail",
    };
  } finally {
    for (const b of burners) b.kill("SIGKILL");
    if (server?.pid) {
      stopServer(server);
      await waitForExit(server);
    }
    await store.cleanup();
  }
}

/** One demo sign-in, recorded like any other request (303 with a session cookie is success). */
function signIn(base: string, who: Who): Promise<Outcome> {
  const op: Op = {
    name: "demo-sign-in-fresh-db",
    method: "POST",
    path: "/api/auth/demo",
    body: new URLSearchParams({ persona: who }).toString(),
    contentType: "application/x-www-form-urlencoded",
  };
  const none = { requester: "", approver: "", approver2: "", admin: "", auditor: "" };
  return send(base, { tokens: none, cookies: none }, op, 60_000);
}

/** High limits: the fuzz is after races, not 429s (the limiter stays on). */
const SERVER_ENV = {
  // The reconciler runs as in production, only more often: its passes race the requests too.
  ELEVATE_RECONCILER: "on",
  ELEVATE_RECONCILE_INTERVAL_MS: "500",
  ELEVATE_RATE_LIMIT_SUBMIT_PER_MINUTE: "1000000",
  ELEVATE_RATE_LIMIT_DECIDE_PER_MINUTE: "1000000",
  ELEVATE_RATE_LIMIT_TOKENS_PER_HOUR: "1000000",
  ELEVATE_RATE_LIMIT_DEMO_SIGNIN_PER_MINUTE: "1000000",
};

/** Runs bursts with at most `limit` requests in flight; each burst's members start together. */
async function runBursts(
  base: string,
  auth: Auth,
  bursts: Op[][],
  limit: number,
  timeoutMs: number,
  sink: Outcome[],
): Promise<Outcome[]> {
  const out: Outcome[] = [];
  let inflight = 0;
  const waiters: (() => void)[] = [];
  const slot = async (n: number) => {
    while (inflight + n > limit && inflight > 0) await new Promise<void>((res) => waiters.push(res));
    inflight += n;
  };
  const release = () => {
    inflight -= 1;
    for (const w of waiters.splice(0)) w();
  };
  const all: Promise<void>[] = [];
  for (const burst of bursts) {
    await slot(burst.length);
    for (const op of burst) {
      all.push(
        send(base, auth, op, timeoutMs).then((o) => {
          out.push(o);
          sink.push(o);
          release();
        }),
      );
    }
  }
  await Promise.all(all);
  return out;
}

function withNoise(bursts: Op[][], every: number, make: () => Op): Op[][] {
  return bursts.flatMap((b, i) => (i % every === 0 ? [b, [make()]] : [b]));
}

/** The grants each request got, once provisioned (the inline workflow runs them before the decision answers). */
async function activeGrants(base: string, auth: Auth, requestIds: string[]) {
  const found: { id: string; userId: string; expiresAt: string }[] = [];
  for (const id of requestIds) {
    const res = await fetch(`${base}/api/v1/requests/${id}`, {
      headers: { authorization: `Bearer ${auth.tokens.admin}` },
    });
    if (res.status !== 200) continue;
    const dto = (await res.json()) as {
      requester: { id: string };
      grants: { id: string; status: string; expiresAt: string | null }[];
    };
    for (const g of dto.grants) {
      if (g.status === "active" && g.expiresAt)
        found.push({ id: g.id, userId: dto.requester.id, expiresAt: g.expiresAt });
    }
  }
  return found;
}

/** Server action ids by exported name, each with a static page whose bundle holds it. */
function serverActions(root: string): FuzzOrg["actions"] {
  const manifest = JSON.parse(
    readFileSync(path.join(root, ".next", "server", "server-reference-manifest.json"), "utf8"),
  ) as { node: Record<string, { exportedName?: string; workers: Record<string, unknown> }> };
  const out: FuzzOrg["actions"] = {};
  for (const [id, entry] of Object.entries(manifest.node)) {
    const worker = Object.keys(entry.workers).find((w) => w.endsWith("/page") && !w.includes("["));
    if (!entry.exportedName || !worker) continue;
    const page = worker.replace(/^app/, "").replace(/\/page$/, "") || "/";
    out[entry.exportedName] = { id, page };
  }
  return out;
}

/** pino's JSON lines at warn and above, and anything Next writes to stderr, kept with their arrival time. */
function collectLogs(server: ChildProcess, logs: { at: number; line: string }[]) {
  for (const stream of [server.stdout, server.stderr]) {
    let rest = "";
    stream?.on("data", (chunk: Buffer) => {
      const text = rest + chunk.toString("utf8");
      const lines = text.split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) if (line.trim()) logs.push({ at: Date.now(), line: line.slice(0, 4000) });
    });
  }
}

/** The failed request, its answer, and the server log lines naming its request id (else those near it). */
function failureReport(o: Outcome, logs: { at: number; line: string }[]) {
  const ref = /(?:request id|reference) ([0-9a-f-]{36})/.exec(o.body)?.[1];
  const named = ref ? logs.filter((l) => l.line.includes(ref)) : [];
  const near = logs.filter(
    (l) => l.at >= o.at - 200 && l.at <= o.at + o.ms + 1000 && /"level":(50|60)|Error/.test(l.line),
  );
  return {
    op: o.op.name,
    request: `${o.op.method} ${o.op.path}`,
    requestBody: o.op.body?.slice(0, 300),
    status: o.status,
    ms: Math.round(o.ms),
    response: o.body.slice(0, 600),
    serverLog: (named.length > 0 ? named : near).slice(0, 3).map((l) => l.line.slice(0, 1500)),
  };
}

/** Error lines in the server log (failed background work shows only here), counted by message. */
function logErrors(logs: { line: string }[]) {
  const messages: string[] = [];
  for (const { line } of logs) {
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
      if ((entry.level ?? 0) >= 50) messages.push(`${entry.msg}: ${entry.err?.message ?? ""}`.slice(0, 200));
    } catch {
      if (/error/i.test(line)) messages.push(line.slice(0, 200));
    }
  }
  return { count: messages.length, byMessage: countBy(messages) };
}

/** Every request in one known state, no grant revoked twice, the audit chain intact. */
async function checkConsistency(open: { url?: string; dataDir?: string }, orgId: string) {
  const handle = await openDb(open);
  try {
    const db = handle.db;
    const states = await db
      .select({ status: accessRequests.status, n: sql<number>`count(*)::int` })
      .from(accessRequests)
      .where(eq(accessRequests.orgId, orgId))
      .groupBy(accessRequests.status);
    const twice = await db
      .select({ subjectId: auditEvents.subjectId, action: auditEvents.action, n: sql<number>`count(*)::int` })
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.orgId, orgId),
          sql`${auditEvents.action} in ('grant.revoke_requested', 'grant.revoked', 'request.approved', 'request.denied', 'request.cancelled')`,
        ),
      )
      .groupBy(auditEvents.subjectId, auditEvents.action)
      .having(sql`count(*) > 1`);
    const grantStates = await db
      .select({ status: grants.status, n: sql<number>`count(*)::int` })
      .from(grants)
      .where(eq(grants.orgId, orgId))
      .groupBy(grants.status);
    const audit = await verifyAuditChain(db, { orgId });
    const unknown = states.filter((s) => !REQUEST_STATES.has(s.status));
    return {
      ok: unknown.length === 0 && twice.length === 0 && audit.ok,
      requests: Object.fromEntries(states.map((s) => [s.status, s.n])),
      grants: Object.fromEntries(grantStates.map((s) => [s.status, s.n])),
      transitionsRecordedTwice: twice.length,
      audit: { ok: audit.ok, checked: audit.checked, firstBad: audit.firstBad },
    };
  } finally {
    await handle.close();
  }
}

/** A child process that spins one core until killed. */
function burn(): ChildProcess {
  return spawn(process.execPath, ["-e", "for(;;){}"], { stdio: "ignore" });
}

/** 1-minute load average at the start, the end, and its highest sample (every second). */
function sampleLoad() {
  const start = os.loadavg()[0] ?? 0;
  let max = start;
  const timer = setInterval(() => {
    max = Math.max(max, os.loadavg()[0] ?? 0);
  }, 1000);
  return {
    stop: () => {
      clearInterval(timer);
      const end = os.loadavg()[0] ?? 0;
      const round = (n: number) => Math.round(n * 100) / 100;
      return {
        start: round(start),
        end: round(end),
        max: round(Math.max(max, end)),
        cores: os.cpus().length,
      };
    },
  };
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((res) => {
    const t = setTimeout(res, 10_000);
    child.once("exit", () => {
      clearTimeout(t);
      res();
    });
  });
}

function countBy(xs: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}

/** `npx tsx bench/fuzz-concurrency.ts [--seed N] [--concurrency N] [--rounds N] [--per-round N] [--burners N]` */
function cliOptions(argv: string[]): FuzzOptions {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    if (i < 0) return undefined;
    const n = Number(argv[i + 1]);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} needs a whole number`);
    return n;
  };
  return {
    seed: value("--seed"),
    concurrency: value("--concurrency"),
    rounds: value("--rounds"),
    perRound: value("--per-round"),
    burners: value("--burners"),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  run(cliOptions(process.argv.slice(2))).then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      process.exit(result.pass === "pass" ? 0 : 1);
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
