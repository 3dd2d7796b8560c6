import { performance } from "node:perf_hooks";
import { and, eq, inArray } from "drizzle-orm";
import { openDb } from "@/db/client";
import { auditEvents, grants, sandboxBindings } from "@/db/schema";
import { seedOrg } from "@/db/seed/org";
import { loadUserActor } from "@/lib/auth/actor";
import { isAllowed } from "@/lib/clouds/sandbox";
import type { Ctx } from "@/lib/ctx";
import { env } from "@/lib/env";
import { decideRequest, submitRequest } from "@/lib/requests/index";
import { createInlineDriver } from "@/lib/workflows/inline";
import { shortenGrantExpiryForBench } from "./shorten-expiry";
import { summary } from "./stats";

export type LifecycleOptions = {
  requests?: number;
  /** Pipelines in flight at once (each: submit → approve → shorten expiry). */
  concurrency?: number;
  reconcileIntervalMs?: number;
  /** Expiry is set this many seconds after activation, spread uniformly. */
  expirySeconds?: [number, number];
};

const TEMPLATES = ["logs.read", "vm.ssh", "db.read", "bucket.read", "k8s.read"];

/**
 * N requests through submit → approve → provision → expiry → revoke on the sandbox cloud with the inline
 * driver (timers + reconciler), on in-memory PGlite or DATABASE_URL. Reports per-step latencies and how
 * late revocation came after expiry.
 */
export async function lifecycleBench(opts: LifecycleOptions = {}): Promise<Record<string, unknown>> {
  const n = opts.requests ?? 1000;
  const concurrency = opts.concurrency ?? 8;
  const reconcileIntervalMs = opts.reconcileIntervalMs ?? 2000;
  const [minS, maxS] = opts.expirySeconds ?? [1, 5];
  const started = performance.now();
  const handle = await openDb({ url: env().DATABASE_URL, dataDir: null });
  const { db } = handle;
  const slug = `bench-${Date.now().toString(36)}`;
  const org = await seedOrg(db, { slug, name: "Lifecycle bench" });
  const orgId = org.org.id;
  const driver = createInlineDriver({ db, reconcileIntervalMs, reconcile: { orgId } });
  driver.start();
  const ctxFor = async (userId: string): Promise<Ctx> => {
    const loaded = await loadUserActor(db, userId);
    if (!loaded) throw new Error("bench persona missing");
    return { actor: loaded.actor, orgId, db, workflows: driver };
  };
  const requester = await ctxFor(org.users.requester.id);
  const approver = await ctxFor(org.users.approver.id);
  const targets = [org.targets.aws, org.targets.gcp, org.targets.azure];

  const submitMs: number[] = [];
  const approveMs: number[] = [];
  const approveToActiveMs: number[] = [];
  let notActive = 0;
  let next = 0;
  // Each step is a separate HTTP request in real life, arriving through the event loop. Yielding between
  // steps keeps that: on PGlite an unbroken chain of awaits never lets timers (expiries) run.
  const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));
  const pipeline = async () => {
    while (next < n) {
      const i = next++;
      const target = targets[i % targets.length];
      const template = org.template(TEMPLATES[i % TEMPLATES.length]);
      await nextTick();
      const t0 = performance.now();
      const req = await submitRequest({
        ctx: requester,
        input: {
          targetId: target.id,
          templateId: template.id,
          durationMinutes: 60,
          justification: `bench ${i}`,
        },
      });
      submitMs.push(performance.now() - t0);
      await nextTick();
      const t1 = performance.now();
      const approveAt = Date.now();
      await decideRequest({ ctx: approver, input: { requestId: req.id, verdict: "approve" } });
      approveMs.push(performance.now() - t1);
      await nextTick();
      const [g] = await db.select().from(grants).where(eq(grants.requestId, req.id));
      if (g?.status !== "active" || !g.activatedAt) {
        notActive += 1;
        continue;
      }
      approveToActiveMs.push(g.activatedAt.getTime() - approveAt);
      const seconds = minS + Math.random() * (maxS - minS);
      await shortenGrantExpiryForBench(db, driver, g, new Date(Date.now() + seconds * 1000));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, pipeline));
  const pipelinesDone = performance.now();

  // Wait for every grant to end (timers first, the reconciler as the safety net).
  const deadline = Date.now() + maxS * 1000 + 4 * reconcileIntervalMs + 30_000;
  let rows = await grantsOf(db, orgId);
  while (rows.some((r) => r.status !== "revoked" && r.status !== "failed") && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    rows = await grantsOf(db, orgId);
  }
  await driver.stop();

  const lateness = rows
    .filter((r) => r.revokedAt && r.expiresAt)
    .map((r) => r.revokedAt!.getTime() - r.expiresAt!.getTime());
  const byJob = await db
    .select({ actorId: auditEvents.actorId })
    .from(auditEvents)
    .where(and(eq(auditEvents.orgId, orgId), eq(auditEvents.action, "grant.revoked")));
  const revokedBy: Record<string, number> = {};
  for (const r of byJob) revokedBy[r.actorId] = (revokedBy[r.actorId] ?? 0) + 1;
  const states: Record<string, number> = {};
  for (const r of rows) states[r.status] = (states[r.status] ?? 0) + 1;
  const bindingsLeft = (
    await db
      .select({ id: sandboxBindings.id })
      .from(sandboxBindings)
      .where(
        inArray(
          sandboxBindings.targetId,
          targets.map((t) => t.id),
        ),
      )
  ).length;
  const now = new Date();
  const stillAllowed = await Promise.all(
    [
      [org.targets.aws.id, "logs:GetLogEvents"],
      [org.targets.gcp.id, "logging.logEntries.list"],
      [org.targets.azure.id, "Microsoft.Insights/logs/read"],
    ].map(([t, p]) => isAllowed(db, t, org.users.requester.email, p, now)),
  );
  await handle.close();

  const ms = (v: number[], ps: number[]) => ({ ...summary(v, ps), n: v.length });
  return {
    bench: "lifecycle",
    db: handle.kind,
    requests: n,
    concurrency,
    reconcileIntervalMs,
    expiry: {
      secondsAfterActivation: [minS, maxS],
      shortened: true,
      how: "bench/shorten-expiry.ts moves expiresAt and the sandbox binding's notAfter, then dispatches grant.extended",
      why: "submitRequest takes whole minutes (durationMinutes >= 1)",
    },
    submitMs: ms(submitMs, [50, 95]),
    approveMs: { ...ms(approveMs, [50, 95]), note: "the inline driver provisions inside approve's dispatch" },
    approveToActiveMs: ms(approveToActiveMs, [50, 95]),
    revocationLatenessMs: {
      ...summary(lateness, [50, 99]),
      max: Math.max(0, ...lateness),
      n: lateness.length,
    },
    revokedBy,
    states,
    notActiveAfterApprove: notActive,
    bindingsLeft,
    accessAfterExpiry: stillAllowed.some(Boolean),
    pipelineSeconds: Math.round((pipelinesDone - started) / 100) / 10,
    totalSeconds: Math.round((performance.now() - started) / 100) / 10,
  };
}

function grantsOf(db: Parameters<typeof seedOrg>[0], orgId: string) {
  return db
    .select({ status: grants.status, expiresAt: grants.expiresAt, revokedAt: grants.revokedAt })
    .from(grants)
    .where(eq(grants.orgId, orgId));
}
