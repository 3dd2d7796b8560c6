import type { ChildProcess } from "node:child_process";
import { openDb } from "@/db/client";
import { seedOrg } from "@/db/seed/org";
import { openCount, report, revokedByInstance, round } from "./expiry-storm-report";
import { seedApproved } from "./expiry-storm-seed";
import { ensureBuild, freePort, openStore, startNext, stopServer, waitUntilUp } from "./server";
import { host, runIfMain, sleep } from "./stats";
import { moveExpiries, provisionAll } from "./storm-setup";

export type TwoInstancesOptions = { grants?: number; windowSeconds?: number; leadSeconds?: number };

/**
 * Two instances, one database: `grants` active grants on the sandbox cloud (provisioned by the app's
 * code) expiring within a short window, then two `npm start` servers on two ports against the same
 * throwaway Postgres database, each with its reconciler and revocation lane. Checks that every grant is
 * revoked exactly once (one grant.revoked each, no binding left), that both instances did some of the
 * work (the audit names the instance), and that the audit chain verifies. Judged, never thrown.
 */
export async function run(opts: TwoInstancesOptions = {}): Promise<Record<string, unknown>> {
  const root = process.cwd();
  const n = opts.grants ?? 1_000;
  const windowS = opts.windowSeconds ?? 20;
  const leadS = opts.leadSeconds ?? 40;
  const reconcileIntervalMs = 15_000;
  if (!ensureBuild(root)) return { bench: "two-instances", error: "next build failed" };
  const slug = `twoinst-${Date.now().toString(36)}`;
  const store = await openStore(slug);
  if (store.kind !== "postgres") {
    await store.cleanup();
    return { bench: "two-instances", skipped: "needs DATABASE_URL (a Postgres server)" };
  }
  const hostBefore = host();
  const servers: ChildProcess[] = [];
  const handle = await openDb(store.open);
  const { db } = handle;
  try {
    const org = await seedOrg(db, { slug, name: "Two instances" });
    const seeded = await seedApproved(db, org, n);
    const provisionSeconds = await provisionAll(db, org.org.id, seeded, 8);
    const t0 = Date.now() + leadS * 1000;
    await moveExpiries(db, org.org.id, t0, windowS);

    const instances = ["a", "b"];
    const ports = [await freePort(), await freePort()];
    for (const [i, id] of instances.entries()) {
      const base = `http://127.0.0.1:${ports[i]}`;
      servers.push(
        startNext(root, ports[i], {
          ...store.env,
          ELEVATE_ORG_SLUG: slug,
          NEXTAUTH_URL: base,
          ELEVATE_RECONCILER: "on",
          ELEVATE_RECONCILE_INTERVAL_MS: String(reconcileIntervalMs),
          ELEVATE_INSTANCE_ID: id,
        }),
      );
    }
    await Promise.all(servers.map((s, i) => waitUntilUp(`http://127.0.0.1:${ports[i]}/signin`, s)));
    const upAfterFirstExpiryMs = Date.now() - t0;
    // Generous: on a busy machine the servers fall behind; the check is about duplicates, not speed.
    const deadline = t0 + windowS * 1000 + 5 * 60_000;
    while ((await openCount(db, org.org.id)) > 0 && Date.now() < deadline) await sleep(500);
    // Let a late duplicate, if there were one, reach the audit before counting.
    await sleep(2_000);

    const r = await report(db, org, reconcileIntervalMs);
    const by = await revokedByInstance(db, org.org.id);
    const allRevoked = r.revokedEventsPerGrant.grants === n;
    const noDuplicate = r.revokedEventsPerGrant.events === r.revokedEventsPerGrant.grants;
    const both = instances.every((id) => (by.instance[id] ?? 0) > 0);
    const pass = (ok: boolean) => (ok ? "pass" : "fail");
    return {
      bench: "two-instances",
      grants: n,
      windowSeconds: windowS,
      serversUpAfterFirstExpiryMs: upAfterFirstExpiryMs,
      provisionSeconds: round(provisionSeconds),
      checks: {
        allRevoked: pass(allRevoked),
        noGrantRevokedTwice: pass(noDuplicate),
        noBindingLeft: pass(r.bindingsLeft === 0),
        bothInstancesRevoked: pass(both),
        auditChainVerifies: pass(r.audit.ok),
      },
      states: r.states,
      revokedEventsPerGrant: r.revokedEventsPerGrant,
      revokedBy: by,
      bindingsLeft: r.bindingsLeft,
      accessAfterExpiry: r.accessAfterExpiry,
      roleRefsLeft: r.roleRefsLeft,
      revocationLatenessMs: r.revocationLatenessMs,
      audit: r.audit,
      host: { before: hostBefore, after: host() },
    };
  } finally {
    for (const s of servers) if (s.pid) stopServer(s);
    await handle.close();
    await store.cleanup();
  }
}

runIfMain(import.meta.url, () => run());
