import type { Json } from "../types";

/** Where one pass of the scheduled pull resumes: the end of the window the previous pass read. */
export type PullCursor = { until: string };

/** One page of audit records, as the cloud's API returns them (mapped by the same code as uploads). */
export type PullPage = { records: Json[]; nextToken: string | null };

/** A cloud's audit-log reader for one target and one time window, page by page. */
export type PullSource = {
  name: string;
  page(window: { start: Date; end: Date }, token: string | null): Promise<PullPage>;
};

/** A call the cloud throttled: retried after `retryAfterMs` (or the runner's own backoff). */
export class Throttled extends Error {
  constructor(readonly retryAfterMs?: number) {
    super("throttled");
  }
}
