import path from "node:path";
import { Worker } from "node:worker_threads";
import type { FromWorker, ToWorker, WorkerInit } from "./protocol";

/** The worker's entry, from the repository root (the process's working directory, as for the migrations). */
function workerEntry(): string {
  return path.join(process.cwd(), "lib", "usage", "ingest", "worker-entry.mjs");
}

/** The importing thread's end of an ingest worker: messages posted, and received one at a time in order. */
export class IngestWorker {
  private readonly inbox: FromWorker[] = [];
  private waiting: { resolve: (m: FromWorker) => void; reject: (e: Error) => void } | null = null;
  private broken: Error | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on("message", (m: FromWorker) => this.deliver(m));
    worker.on("error", (err) => this.fail(err));
    worker.on("exit", (code) => this.fail(new Error(`usage ingest worker exited (code ${code})`)));
  }

  /** Starts a worker and waits until it is ready; rejects if it cannot start. */
  static async start(init: WorkerInit): Promise<IngestWorker> {
    // Constructed indirectly: the Next.js bundler follows `new Worker(path)` and would bundle the entry
    // (and tsx with it); the worker loads its own modules at run time instead.
    const worker: Worker = Reflect.construct(Worker, [workerEntry(), { workerData: init }]);
    const w = new IngestWorker(worker);
    try {
      const first = await w.next();
      if (first.type !== "ready") throw new Error(`usage ingest worker: "${first.type}" before "ready"`);
      return w;
    } catch (err) {
      await w.terminate();
      throw err;
    }
  }

  post(m: ToWorker): void {
    if (m.type === "chunk") this.worker.postMessage(m, [m.data]);
    else this.worker.postMessage(m);
  }

  /** The next message; a failure the worker reports, or its end, rejects. */
  next(): Promise<FromWorker> {
    const m = this.inbox.shift();
    if (m) return Promise.resolve(m);
    if (this.broken) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  async terminate(): Promise<void> {
    this.broken ??= new Error("usage ingest worker stopped");
    this.worker.removeAllListeners();
    await this.worker.terminate();
  }

  private deliver(m: FromWorker): void {
    if (m.type === "failed") {
      const err = new Error(`usage ingest worker: ${m.message}`);
      if (m.stack) err.stack = m.stack;
      this.fail(err);
      return;
    }
    const w = this.waiting;
    if (w) {
      this.waiting = null;
      w.resolve(m);
    } else this.inbox.push(m);
  }

  private fail(err: Error): void {
    this.broken ??= err;
    const w = this.waiting;
    this.waiting = null;
    w?.reject(this.broken);
  }
}

/** A chunk as an ArrayBuffer of its own, to transfer (a Buffer may be a view into a larger, shared one). */
export function ownBuffer(chunk: Buffer | Uint8Array | string): ArrayBuffer {
  const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
  const out = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(out).set(bytes);
  return out;
}
