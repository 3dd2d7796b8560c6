import { isNetworkFailure, scrubNetworkDetail, UNREACHABLE } from "@/lib/clouds/egress";
import { CloudError } from "@/lib/clouds/port";

const THROTTLED = new Set([
  "Throttling",
  "ThrottlingException",
  "RequestLimitExceeded",
  "TooManyRequestsException",
]);
const RETRYABLE = new Set([
  "ServiceFailure",
  "ServiceUnavailable",
  "InternalFailure",
  "InternalError",
  "RequestTimeout",
  "RequestTimeoutException",
  "TimeoutError",
  "ConcurrentModification",
]);
const NETWORK = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNABORTED",
]);

/** Used when a throttling reply carries no Retry-After: a first backoff step for the caller. */
export const DEFAULT_THROTTLE_BACKOFF_MS = 2_000;

/** The fields of an SDK error that classification reads (service exceptions and network errors). */
type SdkErrorShape = {
  name?: string;
  message?: string;
  code?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
  $response?: { headers?: Record<string, string | undefined> };
};

const shape = (e: unknown): SdkErrorShape =>
  typeof e === "object" && e !== null ? (e as SdkErrorShape) : {};

/** The IAM error code (`NoSuchEntity`), whether the SDK modelled it (`NoSuchEntityException`) or not. */
export function awsErrorCode(e: unknown): string {
  const s = shape(e);
  return s.Code ?? s.name?.replace(/Exception$/, "") ?? "Unknown";
}

export function retryAfterMs(e: unknown): number | undefined {
  const headers = shape(e).$response?.headers ?? {};
  const raw = Object.entries(headers).find(([k]) => k.toLowerCase() === "retry-after")?.[1];
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Maps any failure of an IAM call to the port's classes. The message never carries credentials. */
export function classifyAwsError(operation: string, e: unknown): CloudError {
  const s = shape(e);
  const code = awsErrorCode(e);
  const status = s.$metadata?.httpStatusCode;
  const requestId = s.$metadata?.requestId || undefined;
  const networkFailure = status === undefined && (NETWORK.has(s.code ?? "") || isNetworkFailure(e));
  // Never the address, port or system error of a failed connection: an answer must not map the network.
  const message = networkFailure
    ? `AWS IAM ${operation}: ${UNREACHABLE}`
    : `AWS IAM ${operation}: ${code}: ${scrubNetworkDetail(s.message ?? "request failed")}`;
  if (THROTTLED.has(code) || THROTTLED.has(s.name ?? "") || status === 429) {
    return new CloudError("throttled", message, retryAfterMs(e) ?? DEFAULT_THROTTLE_BACKOFF_MS, requestId);
  }
  if (code === "NoSuchEntity") return new CloudError("not_found", message, undefined, requestId);
  if (
    RETRYABLE.has(code) ||
    (status !== undefined && status >= 500) ||
    networkFailure ||
    (status === undefined && s.name === "AbortError")
  ) {
    return new CloudError("retryable", message, retryAfterMs(e), requestId);
  }
  // AccessDenied, LimitExceeded, MalformedPolicyDocument, ValidationError, DeleteConflict, bad credentials…
  return new CloudError("permanent", message, undefined, requestId);
}
