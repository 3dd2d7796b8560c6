import { generateKeyPairSync } from "node:crypto";
import { availableParallelism, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { openDb } from "@/db/client";
import { organizations } from "@/db/schema";
import { canonicalJson, eventHash, GENESIS_HASH } from "@/lib/audit/canonical";
import { checkpointBytes } from "@/lib/audit/checkpoint";
import { keyIdOf, signBytes } from "@/lib/audit/keys";
import { verifyAuditChain } from "@/lib/audit/verify";
import { env } from "@/lib/env";
import { runIfMain } from "./stats";

export type AuditVerifyOptions = { events?: number; checkpointEvery?: number };

const TARGET_SECONDS = 10;
const BATCH = 10_000;
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const mb = (n: number) => round(n / 1024 / 1024);

/**
 * `audit verify` over 1,000,000 events of one org on DATABASE_URL (Postgres; PGlite is refused: the bench
 * is about the production database). The events are generated in Node with their real chain (the same
 * eventHash verify recomputes) and COPYed in batches, with a signed checkpoint every 1,000 events; then
 * verifyAuditChain streams them back (keyset pages, the next one in flight while this one is hashed).
 * Reports seed and verify time, events/s and the heap/RSS growth during verify (flat memory is the point).
 */
export async function run(opts: AuditVerifyOptions = {}): Promise<Record<string, unknown>> {
  const url = env().DATABASE_URL;
  if (!url) throw new Error("audit-verify needs DATABASE_URL (Postgres)");
  const total = opts.events ?? 1_000_000;
  const every = opts.checkpointEvery ?? 1_000;
  const handle = await openDb({ url, dataDir: null });
  const { default: postgres } = await import("postgres");
  const raw = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const slug = `verifybench-${Date.now().toString(36)}`;
    const [org] = await handle.db.insert(organizations).values({ slug, name: "Verify bench" }).returning();
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const key = { privateKey, publicKey, keyId: keyIdOf(publicKey), source: "bench" };

    const t0 = performance.now();
    let prev = GENESIS_HASH;
    const start = Date.now() - total * 10;
    const checkpoints: string[] = [];
    for (let from = 1; from <= total; from += BATCH) {
      const lines: string[] = [];
      for (let seq = from; seq < Math.min(from + BATCH, total + 1); seq++) {
        const row = {
          orgId: org.id,
          seq,
          actorType: "system",
          actorId: "bench",
          action: seq % 3 === 0 ? "grant.activated" : "request.submitted",
          subjectType: "grant",
          subjectId: `g-${seq % 5000}`,
          data: { n: seq, reason: "bench", tags: ["a", "b"] },
          createdAt: new Date(start + seq * 10),
        };
        const hash = eventHash(prev, row);
        // COPY text format: the JSON holds no tab, newline or backslash.
        lines.push(
          [
            org.id,
            seq,
            row.actorType,
            row.actorId,
            row.action,
            row.subjectType,
            row.subjectId,
            canonicalJson(row.data),
            prev,
            hash,
            row.createdAt.toISOString(),
          ].join("\t"),
        );
        prev = hash;
        if (seq % every === 0) {
          const cp = {
            orgId: org.id,
            seq,
            headHash: hash,
            signedAt: new Date().toISOString(),
            keyId: key.keyId,
            reason: "periodic" as const,
          };
          const signature = signBytes(key, checkpointBytes(cp));
          checkpoints.push([org.id, seq, hash, cp.signedAt, key.keyId, "periodic", signature].join("\t"));
        }
      }
      const copy =
        await raw`copy audit_events (org_id, seq, actor_type, actor_id, action, subject_type, subject_id, data, prev_hash, hash, created_at) from stdin`.writable();
      await new Promise<void>((resolve, reject) => {
        copy.on("error", reject);
        copy.on("finish", resolve);
        copy.end(`${lines.join("\n")}\n`);
      });
    }
    const copyCp =
      await raw`copy audit_checkpoints (org_id, seq, head_hash, signed_at, key_id, reason, signature) from stdin`.writable();
    await new Promise<void>((resolve, reject) => {
      copyCp.on("error", reject);
      copyCp.on("finish", resolve);
      copyCp.end(`${checkpoints.join("\n")}\n`);
    });
    await raw`analyze audit_events`;
    const seedSeconds = (performance.now() - t0) / 1000;

    global.gc?.();
    const before = process.memoryUsage();
    let peakHeap = before.heapUsed;
    const sampler = setInterval(() => {
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    }, 100);
    const loadBefore = round(loadavg()[0], 2);
    const v0 = performance.now();
    const result = await verifyAuditChain(handle.db, { orgId: org.id, publicKeys: [publicKey] });
    const verifySeconds = (performance.now() - v0) / 1000;
    clearInterval(sampler);
    const after = process.memoryUsage();

    const [{ count }] = await raw<
      { count: string }[]
    >`select count(*)::text as count from audit_events where org_id = ${org.id}`;
    return {
      bench: "audit-verify",
      db: handle.kind,
      events: Number(count),
      checkpoints: checkpoints.length,
      seedSeconds: round(seedSeconds),
      verify: {
        ok: result.ok,
        checked: result.checked,
        checkpointsChecked: result.checkpoints,
        firstBad: result.firstBad ?? null,
        seconds: round(verifySeconds, 2),
        eventsPerSecond: Math.round(result.checked / verifySeconds),
        heapGrowthMB: mb(after.heapUsed - before.heapUsed),
        peakHeapGrowthMB: mb(peakHeap - before.heapUsed),
        rssGrowthMB: mb(after.rss - before.rss),
      },
      targets: {
        verifySeconds: TARGET_SECONDS,
        verify: result.ok && verifySeconds <= TARGET_SECONDS ? "pass" : "fail",
      },
      host: { cpus: availableParallelism(), loadavg1: { before: loadBefore, after: round(loadavg()[0], 2) } },
    };
  } finally {
    await raw.end();
    await handle.close();
  }
}

runIfMain(import.meta.url, () => run());
