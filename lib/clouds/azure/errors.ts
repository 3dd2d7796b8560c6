import { isNetworkFailure, scrubNetworkDetail, UNREACHABLE } from "@/lib/clouds/egress";
import { kindForStatus, parseRetryAfter } from "@/lib/clouds/gcp/retry";
import { CloudError } from "@/lib/clouds/port";

type RestErrorLike = {
  statusCode?: number;
  code?: string;
  message?: string;
  name?: string;
  response?: { headers?: { get(name: string): string | undefined } };
};

export type AzureFailure = {
  status?: number;
  code?: string;
  message: string;
  requestId?: string;
  retryAfterMs?: number;
};

export function describeAzureError(err: unknown): AzureFailure {
  const e = (typeof err === "object" && err !== null ? err : { message: String(err) }) as RestErrorLike;
  const headers = e.response?.headers;
  // Never the address, port or system error of a failed connection: an answer must not map the network.
  const unreachable = e.statusCode === undefined && isNetworkFailure(err);
  return {
    status: e.statusCode,
    code: unreachable ? undefined : e.code,
    message: unreachable ? UNREACHABLE : scrubNetworkDetail(e.message ?? "unknown error"),
    requestId: headers?.get("x-ms-request-id") ?? undefined,
    retryAfterMs: parseRetryAfter(headers?.get("retry-after") ?? headers?.get("x-ms-retry-after-ms")),
  };
}

/** ARM codes that mean "the thing is not there", whatever the status says. */
const NOT_FOUND = new Set(["RoleAssignmentNotFound", "RoleDefinitionDoesNotExist", "ResourceNotFound"]);

export function toCloudError(op: string, f: AzureFailure): CloudError {
  const kind = f.code && NOT_FOUND.has(f.code) ? "not_found" : kindForStatus(f.status);
  const what = [f.status, f.code].filter(Boolean).join(" ");
  return new CloudError(
    kind,
    `azure ${op}: ${what ? `${what}: ` : ""}${f.message}`,
    f.retryAfterMs,
    f.requestId,
  );
}

export const classifyAzureError = (op: string, err: unknown) =>
  err instanceof CloudError ? err : toCloudError(op, describeAzureError(err));
