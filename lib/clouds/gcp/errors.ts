import { isNetworkFailure, scrubNetworkDetail, UNREACHABLE } from "@/lib/clouds/egress";
import { CloudError } from "@/lib/clouds/port";
import { kindForStatus, parseRetryAfter } from "./retry";

/** What a Google API failure says, whichever layer (gaxios, gax) raised it. */
export type GcpFailure = {
  http?: number;
  /** Google's canonical status, e.g. ABORTED, ALREADY_EXISTS, FAILED_PRECONDITION. */
  status?: string;
  message: string;
  requestId?: string;
  retryAfterMs?: number;
};

type HeadersLike = { get(name: string): string | null };
type ErrorLike = {
  message?: unknown;
  status?: unknown;
  code?: unknown;
  name?: unknown;
  response?: { status?: number; headers?: HeadersLike; data?: unknown };
};

// gRPC codes gax uses when it fails before any HTTP status exists (deadline, cancellation).
const GRPC: Record<number, string> = {
  1: "CANCELLED",
  4: "DEADLINE_EXCEEDED",
  8: "RESOURCE_EXHAUSTED",
  14: "UNAVAILABLE",
};

function errorBody(e: ErrorLike): { code?: number; status?: string; message?: string } | undefined {
  const data = e.response?.data;
  const fromData =
    typeof data === "object" && data !== null ? (data as { error?: unknown }).error : undefined;
  if (fromData && typeof fromData === "object") return fromData as { status?: string; message?: string };
  // The REST fallback reads error bodies as a stream: gaxios puts the raw JSON in the message.
  if (typeof e.message === "string" && e.message.startsWith("{")) {
    try {
      return (JSON.parse(e.message) as { error?: { status?: string; message?: string } }).error;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function describeGcpError(err: unknown): GcpFailure {
  const e = (typeof err === "object" && err !== null ? err : { message: String(err) }) as ErrorLike;
  const http = e.response?.status ?? (typeof e.status === "number" ? e.status : undefined);
  const body = errorBody(e);
  const grpc = typeof e.code === "number" && http === undefined ? GRPC[e.code] : undefined;
  const raw = body?.message ?? (typeof e.message === "string" ? e.message : "unknown error");
  return {
    http,
    status: body?.status ?? grpc,
    // Never the address, port or system error of a failed connection: an answer must not map the network.
    message: http === undefined && isNetworkFailure(err) ? UNREACHABLE : scrubNetworkDetail(raw),
    requestId: e.response?.headers?.get("x-goog-request-id") ?? undefined,
    retryAfterMs: parseRetryAfter(e.response?.headers?.get("retry-after")),
  };
}

/** 409 ABORTED: the policy changed since it was read (etag); the whole read-modify-write is retried. */
export const isConcurrentChange = (f: GcpFailure) => f.http === 409 && f.status === "ABORTED";

/** The documented 400 FAILED_PRECONDITION when a role id is soft-deleted ("marked for deletion"). */
export const isMarkedDeleted = (f: GcpFailure) =>
  f.status === "FAILED_PRECONDITION" && /delet/i.test(f.message);

export function toCloudError(op: string, f: GcpFailure): CloudError {
  let kind = kindForStatus(f.http);
  if (f.http === undefined && f.status === "RESOURCE_EXHAUSTED") kind = "throttled";
  if (f.http === 409 && f.status === "ABORTED") kind = "retryable";
  const what = [f.http, f.status].filter(Boolean).join(" ");
  return new CloudError(
    kind,
    `gcp ${op}: ${what ? `${what}: ` : ""}${f.message}`,
    f.retryAfterMs,
    f.requestId,
  );
}

export const classifyGcpError = (op: string, err: unknown) =>
  err instanceof CloudError ? err : toCloudError(op, describeGcpError(err));
