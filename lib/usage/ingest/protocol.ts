import type { GrantIndexData } from "../attribute";
import type { MapCounts, MappedBatch } from "./mapper";

/** What the importing thread hands the ingest worker when it starts it (`workerData`). */
export type WorkerInit = { names: Map<string, string>; index: GrantIndexData; targetId: string | null };

/**
 * Importing thread → worker, in order: inputs (a file the worker reads itself, or a stream's bytes as
 * `chunk`s closed by `end`), `room` each time a batch it sent has gone to the database, and `take` for
 * the rows not yet cut into a batch when the import finishes.
 */
export type ToWorker =
  | { type: "file"; path: string }
  | { type: "chunk"; data: ArrayBuffer }
  | { type: "end" }
  | { type: "room" }
  | { type: "take" };

/**
 * Worker → importing thread: a full batch; a streamed chunk consumed (`ack`, the flow control of
 * streams); an input finished (with the counts so far); the last rows; or a failure.
 */
export type FromWorker =
  | { type: "ready" }
  | { type: "batch"; batch: MappedBatch }
  | { type: "ack" }
  | { type: "ended"; counts: MapCounts; days: string[] }
  | { type: "taken"; batch: MappedBatch; counts: MapCounts; days: string[] }
  | { type: "failed"; message: string; stack?: string };
