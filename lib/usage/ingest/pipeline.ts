import type { Readable } from "node:stream";
import type { Db } from "@/db/client";
import type { UsageImportCounts } from "@/db/schema";
import type { GrantIndex } from "../attribute";
import type { CatalogLookup } from "../map/catalog-lookup";
import { ReasonNames } from "../map/catalog-lookup";
import { type EventRow, insertEvents, type Stored } from "../store";
import type { Observed } from "../types";
import { mapRecord } from "./detect";
import { readRecords } from "./stream";

/** Rows per INSERT: large enough to amortise the round trip, small enough to keep memory flat. */
export const BATCH_ROWS = 2000;
/** Batches being stored at once (memory: IN_FLIGHT × BATCH_ROWS rows, a few MB). */
export const IN_FLIGHT = 3;
/**
 * Records between two full collections, when the process exposes `gc` (the CLI launcher and `npm start`
 * pass --expose-gc). What an import keeps is flat (about 150 MB of heap in the bench), but V8 lets the
 * garbage of a long import pile up in the old generation: 350–400 MB more resident memory for a 1 GB file.
 * A full collection every 100,000 records (about 100 MB of CloudTrail) holds the growth to tens of MB at no
 * measurable cost in throughput (docs/decisions.md, "Usage ingest memory").
 */
export const GC_EVERY_RECORDS = 100_000;
const collect = (globalThis as { gc?: () => void }).gc;

export function emptyCounts(): UsageImportCounts {
  return {
    records: 0,
    parsed: 0,
    mapped: 0,
    attributed: 0,
    unmappable: 0,
    duplicates: 0,
    malformed: 0,
    reasons: {},
  };
}

const bump = (c: UsageImportCounts, reason: string) => {
  c.reasons[reason] = (c.reasons[reason] ?? 0) + 1;
};

type Pending = { primary: string; attributed: boolean };

const byKey = (a: EventRow, b: EventRow) =>
  a.cloud < b.cloud
    ? -1
    : a.cloud > b.cloud
      ? 1
      : a.event_id < b.event_id
        ? -1
        : a.event_id > b.event_id
          ? 1
          : 0;

/** Sorted rows without the repeats of a key (the first is kept). */
function unique(sorted: EventRow[]): EventRow[] {
  let n = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (n === 0 || byKey(sorted[n - 1], sorted[i]) !== 0) sorted[n++] = sorted[i];
  }
  sorted.length = n;
  return sorted;
}

/**
 * Parse → map → attribute → store for one import, in batches, adding to `counts`. A record is one event:
 * it counts once whatever the number of permissions it checked (GCP entries can name several; the extra
 * ones are stored as `<eventId>#<permission>` rows beside it).
 */
export class Ingest {
  readonly counts: UsageImportCounts = emptyCounts();
  /** The UTC days (YYYY-MM-DD) the mapped events fell on: the report roll-ups to refresh after the import. */
  readonly days = new Set<string>();
  private readonly reasonNames = new ReasonNames();
  private rows: EventRow[] = [];
  private pending: Pending[] = [];

  constructor(
    private readonly opts: {
      db: Db;
      orgId: string;
      importId: string;
      catalog: CatalogLookup;
      index: GrantIndex;
      targetId: string | null;
      /** Where batches go (default: usage_events); the ingest bench swaps it to measure the rest alone. */
      store?: (rows: EventRow[]) => Promise<Stored>;
    },
  ) {}

  async readStream(source: Readable | AsyncIterable<Buffer | Uint8Array | string>): Promise<void> {
    for await (const batch of readRecords(source)) {
      for (const p of batch) {
        if ("malformed" in p) {
          this.countRecord();
          this.counts.malformed += 1;
          bump(this.counts, p.malformed);
          continue;
        }
        this.addValue(p.value);
      }
      if (this.rows.length >= BATCH_ROWS) await this.startFlush();
    }
  }

  private inflight: Promise<void>[] = [];

  /**
   * Batches are stored while the next ones are parsed: the database and the parser work side by side, and
   * on Postgres up to IN_FLIGHT batches go through separate pool connections (PGlite queues them on its
   * one). A batch's counts do not depend on the others': an event in two concurrent batches is inserted by
   * one, and the other's `ON CONFLICT DO NOTHING` waits for it and reports it as not inserted (a duplicate).
   */
  private async startFlush(): Promise<void> {
    if (this.inflight.length >= IN_FLIGHT) await this.inflight.shift();
    const rows = this.rows;
    const pending = this.pending;
    this.rows = [];
    this.pending = [];
    const stored = this.store(rows, pending);
    stored.catch(() => {}); // rethrown where it is awaited: a later batch or the final flush
    this.inflight.push(stored);
  }

  /** Every input record counts once; every GC_EVERY_RECORDS of them, a full collection where gc is exposed. */
  private countRecord(): void {
    this.counts.records += 1;
    if (collect && this.counts.records % GC_EVERY_RECORDS === 0) collect();
  }

  /** One record already parsed (the scheduled pull gets objects from the SDKs). */
  addValue(value: Record<string, unknown> | unknown[]): void {
    this.countRecord();
    const out = mapRecord(value, this.opts.catalog, this.reasonNames);
    if (out.kind === "malformed") {
      this.counts.malformed += 1;
      bump(this.counts, out.reason);
      return;
    }
    this.counts.parsed += 1;
    if (out.kind !== "mapped") {
      this.counts.unmappable += 1;
      bump(this.counts, out.reason);
      return;
    }
    this.counts.mapped += 1;
    this.addObserved(out.event);
  }

  private addObserved(ev: Observed): void {
    const at = ev.occurredAt.toISOString();
    this.days.add(at.slice(0, 10));
    let attributed = false;
    ev.checks.forEach((check, i) => {
      const a = this.opts.index.attribute(ev, check, this.opts.targetId);
      if (i === 0) attributed = a.attribution === "grant";
      this.rows.push({
        cloud: ev.cloud,
        event_id: i === 0 ? ev.eventId : `${ev.eventId}#${check.permission}`,
        occurred_at: at,
        target_id: a.targetId,
        scope: ev.scope,
        principal: ev.principal,
        session_name: ev.sessionName,
        permission: check.permission,
        allowed: check.allowed,
        resource: check.resource,
        operation: ev.operation,
        attribution: a.attribution,
        grant_id: a.grantId,
      });
    });
    this.pending.push({ primary: ev.eventId, attributed });
  }

  /** Stores what is left and waits for every batch. */
  async flush(): Promise<void> {
    const inflight = this.inflight;
    this.inflight = [];
    // Every batch is awaited (the first failure is thrown once all have settled: none left running).
    const settled = await Promise.allSettled(inflight);
    const failed = settled.find((r) => r.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const rows = this.rows;
    const pending = this.pending;
    this.rows = [];
    this.pending = [];
    await this.store(rows, pending);
  }

  private async store(rows: EventRow[], pending: Pending[]): Promise<void> {
    // One key order for every batch: concurrent batches (this import's, or another import's) holding the
    // same events then wait for each other in the same order and never deadlock on the primary key. An
    // event logged twice in the batch is stored once.
    const batch = unique(rows.sort(byKey));
    const stored = this.opts.store
      ? await this.opts.store(batch)
      : await insertEvents(this.opts.db, this.opts.orgId, this.opts.importId, batch);
    const counted = new Set<string>();
    for (const p of pending) {
      // The first of an event's records in the batch is the one stored; the others are duplicates.
      if (!counted.has(p.primary) && stored(p.primary)) {
        counted.add(p.primary);
        if (p.attributed) this.counts.attributed += 1;
      } else {
        this.counts.duplicates += 1;
      }
    }
  }
}
