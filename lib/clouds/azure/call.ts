import type { OperationOptions } from "@azure/core-client";
import { recordRequestId } from "@/lib/clouds/gcp/request-ids";
import { withRetry } from "@/lib/clouds/gcp/retry";
import type { AzureSettings } from "./config";
import { type AzureFailure, describeAzureError, toCloudError } from "./errors";

export type Caller = <T>(
  op: string,
  fn: (options: OperationOptions) => Promise<T>,
  accept?: (f: AzureFailure) => boolean,
) => Promise<T | Failed>;

/** A failure the caller chose to accept (e.g. 404 on delete), returned instead of thrown. */
export type Failed = { failed: AzureFailure };
export const isFailed = (x: unknown): x is Failed => typeof x === "object" && x !== null && "failed" in x;

/** Every ARM call: request ids recorded as evidence, bounded by a timeout, classified and retried. */
export function caller(s: AzureSettings): Caller {
  const options: OperationOptions = {
    onResponse: (raw) => recordRequestId(raw.headers.get("x-ms-request-id")),
    requestOptions: { timeout: s.timeoutMs },
  };
  return (op, fn, accept = () => false) =>
    withRetry(s.retry, async () => {
      try {
        return await fn(options);
      } catch (e) {
        const f = describeAzureError(e);
        if (accept(f)) return { failed: f };
        throw toCloudError(op, f);
      }
    });
}

export const notFound = (f: AzureFailure) =>
  f.status === 404 || f.code === "RoleDefinitionDoesNotExist" || f.code === "RoleAssignmentNotFound";

/** Collects a paged list inside one classified call. */
export async function all<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of pages) out.push(item);
  return out;
}
