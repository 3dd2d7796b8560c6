import type { Readable } from "node:stream";
import type { Db } from "@/db/client";
import type { UsageImportCounts } from "@/db/schema";
import type { Catalog } from "@/lib/catalog";
import { logger } from "@/lib/log";
import type { GrantIndex } from "../attribute";
import { NameLookup } from "../map/catalog-lookup";
import { insertPrepared, type Stored } from "../store";
import { IngestWorker, ownBuffer } from "./ingest-worker";
import { BATCH_ROWS, emptyMapCounts, type MapCounts, type MappedBatch, Mapper } from "./mapper";
import { openLogFile, readRecords } from "./stream";

export { BATCH_ROWS } from "./mapper";

/** Batches being stored at once (memory: IN_FLIGHT × BATCH_ROWS rows, a few MB). */
export const IN_FLIGHT = 3;
/** A streamed input's chunks sent to the worker ahead of what it has consumed. */
export const CHUNKS_AHEAD = 32;

type Source = Readable | AsyncIterable<Buffer | Uint8Array | string>;

/**
 * Parse → map → attribute → store for one import, in batches. Mapping (./mapper.ts) runs on this thread,
 * or, with `parallel`, in a worker thread that reads the inputs while this one stores, so that the parser
 * and an embedded PGlite (which holds this thread while it runs a statement) use both cores (docs/usage.md
 * "Performance"). Either way the same code maps the same records into the same rows. `close()` ends the
 * worker.
 */
export class Ingest {
  private readonly local: Mapper;
  /** The worker's counts and days, as of the last input it finished. */
  private remote: { counts: MapCounts; days: string[] } = { counts: emptyMapCounts(), days: [] };
  private tally = { attributed: 0, duplicates: 0 };
  private worker: Promise<IngestWorker | null> | null = null;
  /** Inputs handed to the worker and not yet finished, and streamed chunks it has not consumed. */
  private queued = 0;
  private ahead = 0;
  private inflight: Promise<void>[] = [];

  constructor(
    private readonly opts: {
      db: Db;
      orgId: string;
      importId: string;
      catalog: Catalog;
      index: GrantIndex;
      targetId: string | null;
      /** Map in a worker thread; if it cannot start, mapping stays on this thread (logged). */
      parallel?: boolean;
      /** Where batches go (default: usage_events); the ingest bench swaps it to measure the rest alone. */
      store?: (batch: MappedBatch) => Promise<Stored>;
    },
  ) {
    this.local = new Mapper(opts);
  }

  /** Every record so far, mapped and stored: the counts add up (records = parsed + malformed, …). */
  get counts(): UsageImportCounts {
    const a = this.local.counts;
    const b = this.remote.counts;
    const reasons = { ...a.reasons };
    for (const [k, n] of Object.entries(b.reasons)) reasons[k] = (reasons[k] ?? 0) + n;
    return {
      records: a.records + b.records,
      parsed: a.parsed + b.parsed,
      mapped: a.mapped + b.mapped,
      attributed: this.tally.attributed,
      unmappable: a.unmappable + b.unmappable,
      duplicates: this.tally.duplicates,
      malformed: a.malformed + b.malformed,
      reasons,
    };
  }

  /** The UTC days (YYYY-MM-DD) the mapped events fell on: the report roll-ups to refresh after the import. */
  get days(): Set<string> {
    return new Set([...this.local.days, ...this.remote.days]);
  }

  /** A file (read by the worker itself, with `parallel`). */
  async readFile(path: string): Promise<void> {
    const worker = await this.startWorker();
    if (!worker) return this.readStream(openLogFile(path));
    worker.post({ type: "file", path });
    await this.queue(worker);
  }

  async readStream(source: Source): Promise<void> {
    const worker = await this.startWorker();
    if (worker) return this.streamToWorker(worker, source);
    for await (const parsed of readRecords(source)) {
      for (const p of parsed) this.local.addParsed(p);
      if (this.local.size >= BATCH_ROWS) await this.startFlush(this.local.take());
    }
  }

  /** One record already parsed (the scheduled pull gets objects from the SDKs); mapped on this thread. */
  addValue(value: Record<string, unknown> | unknown[]): void {
    this.local.addValue(value);
  }

  /** Stores what is left and waits for every batch. */
  async flush(): Promise<void> {
    const worker = this.worker ? await this.worker : null;
    if (worker) {
      worker.post({ type: "take" });
      while ((await this.handle(worker)) !== "taken");
    }
    const inflight = this.inflight;
    this.inflight = [];
    // Every batch is awaited (the first failure is thrown once all have settled: none left running).
    const settled = await Promise.allSettled(inflight);
    const failed = settled.find((r) => r.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
    await this.store(this.local.take());
  }

  /** Ends the worker, if one was started. */
  async close(): Promise<void> {
    const worker = this.worker ? await this.worker : null;
    this.worker = null;
    await worker?.terminate();
  }

  private startWorker(): Promise<IngestWorker | null> {
    if (!this.opts.parallel) return Promise.resolve(null);
    this.worker ??= IngestWorker.start({
      names: NameLookup.namesOf(this.opts.catalog),
      index: this.opts.index.toData(),
      targetId: this.opts.targetId,
    }).catch((err: Error) => {
      logger.warn({ err: err.message }, "usage ingest worker did not start; mapping on this thread");
      return null;
    });
    return this.worker;
  }

  /**
   * An input is handed over; this returns while the worker still reads it (the next input is then queued
   * behind it, so the worker never waits between inputs), storing the batches it sends meanwhile.
   */
  private async queue(worker: IngestWorker): Promise<void> {
    this.queued += 1;
    while (this.queued > 1) await this.handle(worker);
  }

  /** Sends a stream's bytes to the worker, at most CHUNKS_AHEAD chunks ahead of what it has consumed. */
  private async streamToWorker(worker: IngestWorker, source: Source): Promise<void> {
    try {
      for await (const chunk of source as AsyncIterable<Buffer | Uint8Array | string>) {
        worker.post({ type: "chunk", data: ownBuffer(chunk) });
        this.ahead += 1;
        while (this.ahead >= CHUNKS_AHEAD) await this.handle(worker);
      }
    } catch (err) {
      // The input failed (an upload past its limit, a read error) with the worker mid-input: it goes.
      await this.close();
      throw err;
    }
    worker.post({ type: "end" });
    await this.queue(worker);
  }

  /** One message from the worker: a batch goes to the database (once there is room), counts are kept. */
  private async handle(worker: IngestWorker): Promise<string> {
    const m = await worker.next();
    if (m.type === "batch") {
      await this.startFlush(m.batch);
      worker.post({ type: "room" });
    } else if (m.type === "ack") this.ahead -= 1;
    else if (m.type === "ended") {
      this.queued -= 1;
      this.remote = { counts: m.counts, days: m.days };
    } else if (m.type === "taken") {
      this.remote = { counts: m.counts, days: m.days };
      await this.startFlush(m.batch);
    }
    return m.type;
  }

  /**
   * Batches are stored while the next ones are mapped: on Postgres up to IN_FLIGHT batches go through
   * separate pool connections (PGlite queues them on its one). A batch's counts do not depend on the
   * others': an event in two concurrent batches is stored by one, and the other finds it stored.
   */
  private async startFlush(batch: MappedBatch): Promise<void> {
    if (this.inflight.length >= IN_FLIGHT) await this.inflight.shift();
    const stored = this.store(batch);
    stored.catch(() => {}); // rethrown where it is awaited: a later batch or the final flush
    this.inflight.push(stored);
  }

  private async store(batch: MappedBatch): Promise<void> {
    if (batch.primaries.length === 0) return;
    const stored = this.opts.store
      ? await this.opts.store(batch)
      : await insertPrepared(this.opts.db, this.opts.orgId, this.opts.importId, batch.prepared);
    const counted = new Set<string>();
    batch.primaries.forEach((primary, i) => {
      // The first of an event's records in the batch is the one stored; the others are duplicates.
      if (!counted.has(primary) && stored(primary)) {
        counted.add(primary);
        if (batch.attributed[i]) this.tally.attributed += 1;
      } else {
        this.tally.duplicates += 1;
      }
    });
  }
}
