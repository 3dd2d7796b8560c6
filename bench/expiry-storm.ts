import { availableParallelism, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { openDb } from "@/db/client";
import { seedOrg } from "@/db/seed/org";
import { env } from "@/lib/env";
import { createInlineDriver } from "@/lib/workflows/inline";
import { countByStatus, openCount, report, round, TARGETS } from "./expiry-storm-report";
import { seedApproved } from "./expiry-storm-seed";
import { runIfMain, sleep } from "./stats";
import { moveExpiries, provisionAll } from "./storm-setup";

export type ExpiryStormOptions = {
  grants?: number;
  /** Expiries are spread uniformly over this many seconds… */
  windowSeconds?: number;
  /** …starting this long after the expiries are set. */
  leadSeconds?: number;
  reconcileIntervalMs?: number;
  /** Provisionings in flight at once (one request.approved event each). */
  concurrency?: number;
};

/**
 * 5,000 grants on the sandbox cloud with the inline driver, all expiring within one minute. Approved
 * requests are inserted in bulk; each grant is then provisioned by the inline driver handling its
 * request.approved event (provisionGrant: role, binding, read-back, audit), which gives the provisioning
 * throughput. The expiries are then moved into a one-minute window (bench only, as bench/shorten-expiry.ts
 * does: database and cloud condition alike, then grant.extended), the reconciler loop starts, and the
 * revocation lateness (revokedAt − expiresAt) is measured. Targets are judged in the output, never thrown.
 */
export async function run(opts: ExpiryStormOptions = {}): Promise<Record<string, unknown>> {
  const n = opts.grants ?? 5_000;
  const windowS = opts.windowSeconds ?? 60;
  const leadS = opts.leadSeconds ?? 5;
  const reconcileIntervalMs = opts.reconcileIntervalMs ?? env().ELEVATE_RECONCILE_INTERVAL_MS;
  const concurrency = opts.concurrency ?? 8;
  const started = performance.now();
  const handle = await openDb({ url: env().DATABASE_URL, dataDir: null });
  const { db } = handle;
  try {
    const org = await seedOrg(db, { slug: `storm-${Date.now().toString(36)}`, name: "Expiry storm bench" });
    const orgId = org.org.id;
    const seeded = await seedApproved(db, org, n);
    const driver = createInlineDriver({ db, reconcileIntervalMs, concurrency, reconcile: { orgId } });

    // Provisioning: one request.approved per request, `concurrency` in flight, yielding between events.
    const provisionSeconds = await provisionAll(db, orgId, seeded, concurrency);
    const active = await countByStatus(db, orgId);

    // The storm: every expiry inside [lead, lead + window) seconds from now, uniformly, in a random order.
    const t0 = Date.now() + leadS * 1000;
    const rows = await moveExpiries(db, orgId, t0, windowS);
    for (const r of rows) {
      await driver.dispatch([
        { name: "grant.extended", orgId, grantId: r.id, expiresAt: new Date(r.expires_at).toISOString() },
      ]);
    }
    // Expiries that passed while they were being set would count as lateness: say how long this took.
    const armedLateMs = Math.max(0, Date.now() - t0);
    driver.start();

    const deadline = t0 + windowS * 1000 + 2 * reconcileIntervalMs + 30_000;
    let open = await openCount(db, orgId);
    while (open > 0 && Date.now() < deadline) {
      await sleep(500);
      open = await openCount(db, orgId);
    }
    await driver.stop();
    const perSecond = round(n / provisionSeconds);
    const result = await report(db, org, reconcileIntervalMs);
    return {
      ...result,
      targets: {
        ...result.targets,
        provisioning: {
          targetPerSecond: TARGETS.PROVISION_PER_S,
          result: perSecond >= TARGETS.PROVISION_PER_S ? "pass" : "fail",
        },
      },
      grants: n,
      db: handle.kind,
      concurrency,
      window: { leadSeconds: leadS, seconds: windowS, armedAfterFirstExpiryMs: armedLateMs },
      provisioning: {
        seconds: round(provisionSeconds),
        grantsPerSecond: perSecond,
        activeAfter: active.active ?? 0,
        how: "approved requests inserted in bulk; each grant then provisioned by the inline driver's request.approved handler (provisionGrant)",
      },
      totalSeconds: round((performance.now() - started) / 1000),
      // Figures from a shared, busy machine are not comparable with an idle one: say which it was.
      host: { cpus: availableParallelism(), loadavg1: round(loadavg()[0], 2) },
    };
  } finally {
    await handle.close();
  }
}

runIfMain(import.meta.url, () => run());
