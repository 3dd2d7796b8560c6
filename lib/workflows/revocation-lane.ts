import { and, eq, lte } from "drizzle-orm";
import type { Db } from "@/db/client";
import { grants } from "@/db/schema";
import { revokeExpiredBatch } from "@/lib/grants/revoke-batch";
import { logger } from "@/lib/log";
import { createTimerQueue } from "./timer-queue";

/**
 * Where expiries wait and are revoked: in this thread (`createRevocationLane`) or on a worker thread with
 * its own connections (`startRevocationThread`, Postgres only). The inline driver talks to either.
 */
export type RevocationLane = {
  readonly where: "thread" | "in-thread";
  /** Revoke `grantId` at `expiresAt` (ignored beyond the horizon: a later scan arms it). */
  arm(orgId: string, grantId: string, expiresAt: string | Date | null): void;
  disarm(grantId: string): void;
  /** True while due expiries wait or are being revoked. */
  busy(): boolean;
  start(): void;
  stop(): Promise<void>;
  /** Resolves when no due expiry waits or is being revoked. */
  idle(): Promise<void>;
};

export type RevocationLaneOptions = {
  db: Db;
  /** How often the database is scanned for expiries this lane has not armed (other instances' grants). */
  scanIntervalMs: number;
  /** Expiries closer than this get a timer; later ones are armed by a later scan. */
  horizonMs?: number;
  /** Due grants claimed per batch (one claim transaction per org). */
  batchSize?: number;
  /** Cloud calls in flight at once. */
  concurrency?: number;
  /** Only this org's grants (tests sharing a database). */
  orgId?: string;
  /** Told when the lane turns busy or idle (the driver throttles provisioning meanwhile). */
  onBusy?: (busy: boolean) => void;
};

export const defaultHorizonMs = (scanIntervalMs: number) => Math.max(6 * 3600_000, scanIntervalMs * 2);

/**
 * Expiries in one timer queue (a heap and a single setTimeout); when timers fire, the due grants are
 * revoked in batches, one batch at a time, each claimed with SKIP LOCKED so instances split the work.
 * The database is scanned every `scanIntervalMs` for expiries armed nowhere here (grants provisioned by
 * another instance, or moved). The reconciler stays the backstop for anything this lane drops.
 */
export function createRevocationLane(opts: RevocationLaneOptions): RevocationLane {
  const { db } = opts;
  const horizonMs = opts.horizonMs ?? defaultHorizonMs(opts.scanIntervalMs);
  const batchSize = opts.batchSize ?? 200;
  const orgOf = new Map<string, string>();
  const due = new Set<string>();
  let draining: Promise<void> | null = null;
  let scanning: Promise<void> | null = null;
  let scanTimer: ReturnType<typeof setTimeout> | null = null;
  let started = false;
  let busy = false;
  const waiters: (() => void)[] = [];

  const queue = createTimerQueue((keys) => {
    for (const k of keys) due.add(k);
    kick();
  });

  function setBusy(b: boolean) {
    if (b === busy) return;
    busy = b;
    opts.onBusy?.(b);
    if (!b) for (const w of waiters.splice(0)) w();
  }

  function kick() {
    if (draining || due.size === 0) return;
    setBusy(true);
    draining = drain().finally(() => {
      draining = null;
      if (due.size > 0) kick();
      else setBusy(false);
    });
  }

  async function drain() {
    while (due.size > 0) {
      const keys = [...due].slice(0, batchSize);
      for (const k of keys) due.delete(k);
      const batch = keys.flatMap((grantId) => {
        const orgId = orgOf.get(grantId);
        return orgId ? [{ grantId, orgId }] : [];
      });
      try {
        const r = await revokeExpiredBatch({ db, due: batch, concurrency: opts.concurrency });
        for (const l of r.later) arm(l.orgId, l.grantId, l.expiresAt);
      } catch (err) {
        logger.error(
          { job: "revocation-lane", grants: batch.length, err },
          "batch failed; the reconciler will retry",
        );
      }
      for (const b of batch) if (!queue.has(b.grantId)) orgOf.delete(b.grantId);
    }
  }

  function arm(orgId: string, grantId: string, expiresAt: string | Date | null) {
    if (!expiresAt) return;
    const at = new Date(expiresAt).getTime();
    if (at - Date.now() > horizonMs) return;
    orgOf.set(grantId, orgId);
    queue.arm(grantId, at);
  }

  async function scan() {
    try {
      const horizon = new Date(Date.now() + horizonMs);
      const rows = await db
        .select({ id: grants.id, orgId: grants.orgId, expiresAt: grants.expiresAt })
        .from(grants)
        .where(
          and(
            eq(grants.status, "active"),
            lte(grants.expiresAt, horizon),
            opts.orgId ? eq(grants.orgId, opts.orgId) : undefined,
          ),
        );
      for (const r of rows) {
        if (!r.expiresAt || due.has(r.id)) continue;
        if (queue.at(r.id) !== r.expiresAt.getTime()) arm(r.orgId, r.id, r.expiresAt);
      }
    } catch (err) {
      logger.error({ job: "revocation-lane", err }, "expiry scan failed");
    }
  }

  function loop() {
    if (!started) return;
    scanTimer = setTimeout(() => {
      scanning = scan().finally(() => {
        scanning = null;
        loop();
      });
    }, opts.scanIntervalMs);
  }

  return {
    where: "in-thread",
    arm,
    disarm(grantId) {
      queue.disarm(grantId);
      due.delete(grantId);
    },
    busy: () => busy,
    start() {
      if (started) return;
      started = true;
      scanning = scan().finally(() => {
        scanning = null;
        loop();
      });
    },
    async stop() {
      started = false;
      if (scanTimer) clearTimeout(scanTimer);
      scanTimer = null;
      queue.clear();
      due.clear();
      await scanning;
      await draining;
    },
    idle() {
      if (!busy) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
  };
}
