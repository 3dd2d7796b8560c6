// The usage ingest worker: read → gunzip → cut records → parse → map → attribute → batch, beside the
// importing thread, which only stores (docs/usage.md "Performance"). Started by ./ingest-worker.ts through
// ./worker-entry.mjs; one per import, reading its inputs in order.
import { parentPort, workerData } from "node:worker_threads";
import { GrantIndex } from "../attribute";
import { NameLookup } from "../map/catalog-lookup";
import { BATCH_ROWS, Mapper } from "./mapper";
import type { FromWorker, ToWorker, WorkerInit } from "./protocol";
import { openLogFile, readRecords } from "./stream";

/** Batches sent ahead of what the importing thread has handed to the database: memory stays flat. */
const BATCHES_AHEAD = 4;

const port = parentPort;
if (!port) throw new Error("lib/usage/ingest/worker.ts runs as a worker thread");
const init = workerData as WorkerInit;
const mapper = new Mapper({
  catalog: new NameLookup(init.names),
  index: new GrantIndex(init.index),
  targetId: init.targetId,
});
const post = (m: FromWorker) => port.postMessage(m);

let unstored = 0;
let wakeRoom: (() => void) | null = null;

/** Sends a batch once fewer than BATCHES_AHEAD are waiting for the database. */
async function send(): Promise<void> {
  while (unstored >= BATCHES_AHEAD) await new Promise<void>((r) => (wakeRoom = r));
  unstored += 1;
  post({ type: "batch", batch: mapper.take() });
}

/**
 * A streamed input's chunks as they arrive. A chunk is acknowledged once the reader asks for the next (its
 * records are mapped by then): the importing thread sends a few ahead and no more.
 */
class Streamed {
  private queue: ArrayBuffer[] = [];
  private held = false;
  private ended = false;
  private discarding = false;
  private wake: (() => void) | null = null;
  private finish!: () => void;
  readonly done = new Promise<void>((r) => (this.finish = r));

  push(data: ArrayBuffer): void {
    if (this.discarding) {
      post({ type: "ack" });
      return;
    }
    this.queue.push(data);
    this.wake?.();
  }

  end(): void {
    this.ended = true;
    this.finish();
    if (!this.discarding) this.wake?.();
  }

  async *chunks(): AsyncGenerator<Buffer> {
    for (;;) {
      const data = this.queue.shift();
      if (data) {
        this.held = true;
        yield Buffer.from(data);
        this.held = false;
        post({ type: "ack" });
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((r) => (this.wake = r));
      this.wake = null;
    }
  }

  /** The reader stopped early (a corrupt gzip): what is left of the input is acknowledged and dropped. */
  discard(): void {
    if (this.discarding) return;
    this.discarding = true;
    if (this.held) post({ type: "ack" });
    for (const _ of this.queue) post({ type: "ack" });
    this.queue = [];
  }
}

async function read(input: string | Streamed): Promise<void> {
  const source = typeof input === "string" ? openLogFile(input) : input.chunks();
  for await (const parsed of readRecords(source)) {
    for (const p of parsed) mapper.addParsed(p);
    if (mapper.size >= BATCH_ROWS) await send();
  }
  if (typeof input !== "string") {
    input.discard();
    await input.done;
  }
  post({ type: "ended", counts: mapper.counts, days: [...mapper.days] });
}

/** Inputs are read one after the other, in the order they came. */
let work = Promise.resolve();
let streamed: Streamed | null = null;
const then = (step: () => Promise<void> | void) => {
  work = work
    .then(step)
    .catch((err: Error) => post({ type: "failed", message: err.message, stack: err.stack }));
};

port.on("message", (m: ToWorker) => {
  switch (m.type) {
    case "room":
      unstored -= 1;
      wakeRoom?.();
      wakeRoom = null;
      return;
    case "file":
      then(() => read(m.path));
      return;
    case "take":
      then(() =>
        post({ type: "taken", batch: mapper.take(), counts: mapper.counts, days: [...mapper.days] }),
      );
      return;
    default: {
      if (!streamed) {
        const input = new Streamed();
        streamed = input;
        then(() => read(input));
      }
      if (m.type === "chunk") streamed.push(m.data);
      else {
        streamed.end();
        streamed = null;
      }
    }
  }
});
post({ type: "ready" });
