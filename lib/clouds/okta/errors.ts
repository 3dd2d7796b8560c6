import { isNetworkFailure, scrubNetworkDetail, UNREACHABLE } from "@/lib/clouds/egress";
import { CloudError } from "@/lib/clouds/port";

type HeadersLike = { get(name: string): string | null };
type OktaErrorLike = {
  status?: unknown;
  errorCode?: unknown;
  errorSummary?: unknown;
  message?: unknown;
  headers?: unknown;
};

const headersOf = (e: OktaErrorLike): HeadersLike | undefined =>
  e.headers && typeof (e.headers as HeadersLike).get === "function" ? (e.headers as HeadersLike) : undefined;

/**
 * How long until the rate-limit window resets: `X-Rate-Limit-Reset` (epoch seconds) minus the answer's
 * `Date`, the way Okta's SDKs compute it (https://developer.okta.com/docs/reference/rl-best-practices/).
 */
export function retryAfterMs(headers: HeadersLike | undefined): number | undefined {
  const reset = Number(headers?.get("x-rate-limit-reset"));
  if (!Number.isFinite(reset) || reset <= 0) return undefined;
  const date = Date.parse(headers?.get("date") ?? "");
  const now = Number.isNaN(date) ? Date.now() : date;
  return Math.max(0, reset * 1000 - now);
}

/** Okta's errorCode for a missing object (E0000007) also answers removal of something already gone. */
export const isOktaNotFound = (e: unknown) =>
  e instanceof CloudError ? e.kind === "not_found" : (e as OktaErrorLike)?.status === 404;

/** E0000090: the same role and resource set are already assigned to the user. */
export const isDuplicateAssignment = (e: unknown) =>
  (e as OktaErrorLike)?.status === 409 || (e as OktaErrorLike)?.errorCode === "E0000090";

/** An SDK failure (OktaApiError, HttpError, network) as a classified CloudError, never with network detail. */
export function classifyOktaError(op: string, err: unknown): CloudError {
  if (err instanceof CloudError) return err;
  const e = (typeof err === "object" && err !== null ? err : { message: String(err) }) as OktaErrorLike;
  const status = typeof e.status === "number" ? e.status : undefined;
  const headers = headersOf(e);
  const requestId = headers?.get("x-okta-request-id") ?? undefined;
  if (status === undefined) {
    const msg = isNetworkFailure(err)
      ? UNREACHABLE
      : scrubNetworkDetail(String(e.message ?? "unknown error"));
    return new CloudError("retryable", `okta ${op}: ${msg}`);
  }
  const code = typeof e.errorCode === "string" ? ` ${e.errorCode}` : "";
  const summary =
    typeof e.errorSummary === "string" && e.errorSummary ? e.errorSummary : String(e.message ?? "");
  // "<cloud> <op>: <http> <code>: <text>", as the GCP and Azure adapters write it (describe-error.ts).
  const text = `okta ${op}: ${status}${code}: ${scrubNetworkDetail(summary)}`.trim();
  if (status === 429) return new CloudError("throttled", text, retryAfterMs(headers), requestId);
  if (status === 404) return new CloudError("not_found", text, undefined, requestId);
  if (status === 408 || status >= 500) return new CloudError("retryable", text, undefined, requestId);
  return new CloudError("permanent", text, undefined, requestId);
}
