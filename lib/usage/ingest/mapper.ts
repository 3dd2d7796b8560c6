import type { UsageImportCounts } from "@/db/schema";
import type { GrantIndex } from "../attribute";
import { type EventRow, type PreparedBatch, prepareBatch } from "../batch";
import type { CatalogLookup } from "../map/catalog-lookup";
import { ReasonNames } from "../map/catalog-lookup";
import type { Observed } from "../types";
import { mapRecord } from "./detect";
import type { Parsed } from "./stream";

/** Rows per INSERT: large enough to amortise the round trip, small enough to keep memory flat. */
export const BATCH_ROWS = 2000;
/**
 * Records between two full collections, when the process exposes `gc` (the CLI launcher and `npm start`
 * pass --expose-gc; a worker thread inherits it). What an import keeps is flat (about 150 MB of heap in the
 * bench), but V8 lets the garbage of a long import pile up in the old generation: 350–400 MB more resident
 * memory for a 1 GB file. A full collection every 100,000 records (about 100 MB of CloudTrail) holds the
 * growth to tens of MB at no measurable cost in throughput (docs/decisions.md, "Usage ingest memory").
 */
export const GC_EVERY_RECORDS = 100_000;
const collect = (globalThis as { gc?: () => void }).gc;

/** What mapping counts; storing adds `attributed` and `duplicates`. */
export type MapCounts = Omit<UsageImportCounts, "attributed" | "duplicates">;

export function emptyMapCounts(): MapCounts {
  return { records: 0, parsed: 0, mapped: 0, unmappable: 0, malformed: 0, reasons: {} };
}

/**
 * A batch cut by the mapper: its rows sorted by key, each key once, prepared for the INSERT; and each
 * input event's primary id with whether it was attributed to a grant, in input order (to count the
 * attributed events and the duplicates once the database says which it stored).
 */
export type MappedBatch = { prepared: PreparedBatch; primaries: string[]; attributed: boolean[] };

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
 * Parse → map → attribute, without the database: records in, batches of rows out. The same code runs on
 * the importing thread or in the ingest worker (./worker.ts). A record is one event: it counts once
 * whatever the number of permissions it checked (GCP entries can name several; the extra ones are stored
 * as `<eventId>#<permission>` rows beside it).
 */
export class Mapper {
  readonly counts: MapCounts = emptyMapCounts();
  /** The UTC days (YYYY-MM-DD) the mapped events fell on: the report roll-ups to refresh after the import. */
  readonly days = new Set<string>();
  private readonly reasonNames = new ReasonNames();
  private rows: EventRow[] = [];
  private primaries: string[] = [];
  private attributed: boolean[] = [];

  constructor(
    private readonly opts: { catalog: CatalogLookup; index: GrantIndex; targetId: string | null },
  ) {}

  /** Rows waiting for the next batch. */
  get size(): number {
    return this.rows.length;
  }

  addParsed(p: Parsed): void {
    if ("malformed" in p) {
      this.countRecord();
      this.counts.malformed += 1;
      this.bump(p.malformed);
      return;
    }
    this.addValue(p.value);
  }

  /** One record already parsed (the scheduled pull gets objects from the SDKs). */
  addValue(value: Record<string, unknown> | unknown[]): void {
    this.countRecord();
    const out = mapRecord(value, this.opts.catalog, this.reasonNames);
    if (out.kind === "malformed") {
      this.counts.malformed += 1;
      this.bump(out.reason);
      return;
    }
    this.counts.parsed += 1;
    if (out.kind !== "mapped") {
      this.counts.unmappable += 1;
      this.bump(out.reason);
      return;
    }
    this.counts.mapped += 1;
    this.addObserved(out.event);
  }

  /**
   * The rows so far as one batch, sorted by key: concurrent batches (this import's, or another import's)
   * holding the same events then wait for each other in the same order and never deadlock on the key. An
   * event logged twice in the batch is stored once; its second record counts as a duplicate.
   */
  take(): MappedBatch {
    const batch = {
      prepared: prepareBatch(unique(this.rows.sort(byKey))),
      primaries: this.primaries,
      attributed: this.attributed,
    };
    this.rows = [];
    this.primaries = [];
    this.attributed = [];
    return batch;
  }

  private bump(reason: string): void {
    this.counts.reasons[reason] = (this.counts.reasons[reason] ?? 0) + 1;
  }

  /** Every input record counts once; every GC_EVERY_RECORDS of them, a full collection where gc is exposed. */
  private countRecord(): void {
    this.counts.records += 1;
    if (collect && this.counts.records % GC_EVERY_RECORDS === 0) collect();
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
    this.primaries.push(ev.eventId);
    this.attributed.push(attributed);
  }
}
