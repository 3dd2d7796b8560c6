import { generateKeyPairSync } from "node:crypto";
import { availableParallelism, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { count, countDistinct, eq, max, min } from "drizzle-orm";
import { type Db, openDb } from "@/db/client";
import { auditEvents } from "@/db/schema";
import { type SeededOrg, seedOrg } from "@/db/seed/org";
import { appendAudit } from "@/lib/audit/append";
import { checkpointDue } from "@/lib/audit/checkpoint";
import { keyIdOf } from "@/lib/audit/keys";
import { verifyAuditChain } from "@/lib/audit/verify";
import { loadUserActor } from "@/lib/auth/actor";
import type { Ctx } from "@/lib/ctx";
import { env } from "@/lib/env";
import { decideRequest, submitRequest } from "@/lib/requests/index";
import { recordingDriver } from "@/lib/workflows/port";
import { runIfMain, summary } from "./stats";

export type AuditAppendOptions = {
  clients?: number;
  seconds?: number;
  warmupSeconds?: number;
  /** Also measure both loads with the checkpoint pass running beside them (default on). */
  checkpoints?: boolean;
};

const TARGET_PER_S = 300;
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const host = () => ({ cpus: availableParallelism(), loadavg1: round(loadavg()[0], 2) });

/**
 * Audited writes in ONE organization with 16 clients at once (each with its own connection), on
 * DATABASE_URL (else in-memory PGlite), in a fresh org. Two loads, each after a warm-up:
 * - verbs: each client submits a request and another person approves it (two audited transactions, real
 *   verbs with their rate limits, locks, grant scheduling and audit);
 * - append-only: each client commits transactions holding one appendAudit and nothing else.
 * Then the org's chain is verified and checked for forks and gaps. Targets are judged, never thrown.
 * The verbs' per-person rate limits must be raised for this (docs/operations.md gives the command).
 */
export async function run(opts: AuditAppendOptions = {}): Promise<Record<string, unknown>> {
  const clients = opts.clients ?? 16;
  const seconds = opts.seconds ?? 10;
  const warmupSeconds = opts.warmupSeconds ?? 2;
  const handle = await openDb({ url: env().DATABASE_URL, dataDir: null, poolSize: clients + 2 });
  const { db } = handle;
  try {
    const org = await seedOrg(db, { slug: `auditbench-${Date.now().toString(36)}`, name: "Audit bench" });
    const orgId = org.org.id;
    const verbs = await verbLoad(db, org);
    // The first submit builds the org's catalog (seconds of CPU); done once here, not by 16 clients at once.
    await verbs(0);
    const system: Ctx = { actor: { type: "system", job: "bench" }, orgId, db, workflows: recordingDriver() };
    const appendOnly = async (i: number) => {
      await db.transaction((tx) =>
        appendAudit(tx, system, { action: "bench.appended", subjectType: "bench", subjectId: `c${i}` }),
      );
      return 1;
    };
    const load = { clients, seconds, warmupSeconds };
    const verbFigures = await measure(verbs, load);
    const verbSigned =
      opts.checkpoints === false ? null : await withCheckpointing(db, orgId, () => measure(verbs, load));
    const appendFigures = await measure(appendOnly, load);
    const appendSigned =
      opts.checkpoints === false ? null : await withCheckpointing(db, orgId, () => measure(appendOnly, load));
    const verified = await verifyAuditChain(db, { orgId, publicKeys: [benchKey.publicKey] });
    const shape = await chainShape(db, orgId);
    const judge = (perS: number) => (perS >= TARGET_PER_S ? "pass" : "fail");
    return {
      bench: "audit-append",
      db: handle.kind,
      clients,
      verbs: { ...verbFigures, how: "submit, then approve by another person: 2 audited transactions" },
      appendOnly: { ...appendFigures, how: "one transaction per appendAudit, nothing else" },
      withCheckpoints: verbSigned &&
        appendSigned && {
          how: `the checkpoint pass (lib/audit/checkpoint.ts checkpointDue) every ${CHECKPOINT_PASS_MS} ms signing every ${CHECKPOINT_EVERY} events, beside the same load: 10x the default rate`,
          verbs: { ...verbSigned.figures, checkpointsWritten: verbSigned.written },
          appendOnly: { ...appendSigned.figures, checkpointsWritten: appendSigned.written },
          throughputRatio: {
            verbs: round(verbSigned.figures.writesPerSecond / verbFigures.writesPerSecond, 3),
            appendOnly: round(appendSigned.figures.writesPerSecond / appendFigures.writesPerSecond, 3),
          },
        },
      chain: { verify: verified, ...shape },
      targets: {
        auditedWritesPerSecond: TARGET_PER_S,
        verbs: judge(verbFigures.writesPerSecond),
        appendOnly: judge(appendFigures.writesPerSecond),
        chainLinear: verified.ok && shape.forks === 0 && shape.gaps === 0 ? "pass" : "fail",
        signingCostAtMost10Percent:
          verbSigned && appendSigned
            ? verbSigned.figures.writesPerSecond >= 0.9 * verbFigures.writesPerSecond &&
              appendSigned.figures.writesPerSecond >= 0.9 * appendFigures.writesPerSecond
              ? "pass"
              : "fail"
            : "not measured",
      },
      host: host(),
    };
  } finally {
    await handle.close();
  }
}

/** One op = submit by one person, approve by another; returns the audited transactions it committed. */
async function verbLoad(db: Db, org: SeededOrg): Promise<(i: number) => Promise<number>> {
  const workflows = recordingDriver();
  const ctxFor = async (userId: string): Promise<Ctx> => {
    const loaded = await loadUserActor(db, userId);
    if (!loaded) throw new Error("bench persona missing");
    return { actor: loaded.actor, orgId: org.org.id, db, workflows };
  };
  const { requester, approver, approver2 } = org.users;
  // Submitter → decider pairs: nobody decides their own request, and the rate-limit rows are spread.
  const pairs = [
    [await ctxFor(requester.id), await ctxFor(approver.id)],
    [await ctxFor(approver.id), await ctxFor(approver2.id)],
    [await ctxFor(approver2.id), await ctxFor(approver.id)],
  ];
  const input = { targetId: org.targets.aws.id, templateId: org.template("vm.ssh").id };
  return async (i) => {
    const [submitter, decider] = pairs[i % pairs.length];
    const req = await submitRequest({
      ctx: submitter,
      input: { ...input, resource: "i-0abc1234", durationMinutes: 60, justification: `bench ${i}` },
    });
    workflows.events.length = 0; // dispatched events are not the point here; keep memory flat
    await decideRequest({ ctx: decider, input: { requestId: req.id, verdict: "approve" } });
    return 2;
  };
}

const CHECKPOINT_PASS_MS = 200;
const CHECKPOINT_EVERY = 100;

/** Runs `fn` with the scheduled checkpoint pass looping beside it (its own key), as the server would. */
const benchKey = (() => {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return { privateKey, publicKey, keyId: keyIdOf(publicKey), source: "bench" };
})();

async function withCheckpointing<T>(db: Db, orgId: string, fn: () => Promise<T>) {
  const key = benchKey;
  let stop = false;
  let written = 0;
  const loop = (async () => {
    while (!stop) {
      const out = await checkpointDue(db, { orgId, every: CHECKPOINT_EVERY, minutes: 60, key });
      written += out.written;
      await new Promise((r) => setTimeout(r, CHECKPOINT_PASS_MS));
    }
  })();
  try {
    const figures = await fn();
    return { figures, written };
  } finally {
    stop = true;
    await loop;
  }
}

type Load = { clients: number; seconds: number; warmupSeconds: number };

/** Runs `op` on every client for warm-up then measured seconds; latency is per audited transaction. */
async function measure(op: (i: number) => Promise<number>, load: Load) {
  const loadBefore = host().loadavg1;
  // An object, so the clients' loops and this function see one phase (and TypeScript does not narrow it).
  const state: { phase: "warmup" | "measure" | "stop" } = { phase: "warmup" };
  let writes = 0;
  let errors = 0;
  let firstError: string | undefined;
  const latency: number[] = [];
  const client = async (c: number) => {
    for (let i = c; state.phase !== "stop"; i += load.clients) {
      const t0 = performance.now();
      try {
        const n = await op(i);
        if (state.phase !== "measure") continue;
        writes += n;
        const perWrite = (performance.now() - t0) / n;
        for (let k = 0; k < n; k++) latency.push(perWrite);
      } catch (err) {
        errors += 1;
        firstError ??= err instanceof Error ? err.message : String(err);
        if (errors > 100) state.phase = "stop";
      }
    }
  };
  const running = Promise.all(Array.from({ length: load.clients }, (_, c) => client(c)));
  await new Promise((r) => setTimeout(r, load.warmupSeconds * 1000));
  if (state.phase === "warmup") state.phase = "measure";
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, load.seconds * 1000));
  state.phase = "stop";
  const elapsed = (performance.now() - t0) / 1000;
  await running;
  return {
    writes,
    writesPerSecond: round(writes / elapsed),
    latencyMs: summary(latency, [50, 95, 99]),
    errors,
    ...(firstError ? { firstError } : {}),
    loadavg1: { before: loadBefore, after: host().loadavg1 },
  };
}

/** Forks: events naming a predecessor another event names too. Gaps: seqs missing from 1..max. */
async function chainShape(db: Db, orgId: string) {
  const [row] = await db
    .select({
      events: count(),
      distinctSeqs: countDistinct(auditEvents.seq),
      distinctParents: countDistinct(auditEvents.prevHash),
      minSeq: min(auditEvents.seq),
      maxSeq: max(auditEvents.seq),
    })
    .from(auditEvents)
    .where(eq(auditEvents.orgId, orgId));
  const events = Number(row.events);
  return {
    events,
    forks: events - Number(row.distinctParents),
    gaps: events === 0 ? 0 : Number(row.maxSeq) - Number(row.distinctSeqs), // seqs missing from 1..max
    firstSeq: row.minSeq === null ? null : Number(row.minSeq),
  };
}

runIfMain(import.meta.url, () => run());
