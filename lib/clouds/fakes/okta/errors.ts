import { randomUUID } from "node:crypto";
import type { FakeReply } from "@/lib/clouds/fakes/gcp/fake-http";

/**
 * Okta's error body: `{ errorCode, errorSummary, errorLink, errorId, errorCauses }`.
 * https://developer.okta.com/docs/reference/error-codes/
 */
export function oktaError(
  status: number,
  errorCode: string,
  errorSummary: string,
  causes: string[] = [],
  headers?: Record<string, string>,
): FakeReply {
  return {
    status,
    headers,
    body: {
      errorCode,
      errorSummary,
      errorLink: errorCode,
      errorId: `oae${randomUUID().replaceAll("-", "").slice(0, 19)}`,
      errorCauses: causes.map((errorSummary) => ({ errorSummary })),
    },
  };
}

const CODES: Record<number, [string, string]> = {
  400: ["E0000001", "Api validation failed"],
  401: ["E0000011", "Invalid token provided"],
  403: ["E0000006", "You do not have permission to perform the requested action"],
  404: ["E0000007", "Not found: Resource not found"],
  409: ["E0000090", "Duplicate role assignment exception"],
  429: ["E0000047", "API call exceeded rate limit due to too many requests."],
  500: ["E0000009", "Internal Server Error"],
  503: ["E0000010", "Service is in read only mode"],
};

export const notFound = (what: string, id: string) =>
  oktaError(404, "E0000007", `Not found: Resource not found: ${id} (${what})`);

export const invalid = (field: string, cause: string) =>
  oktaError(400, "E0000001", `Api validation failed: ${field}`, [`${field}: ${cause}`]);

export const oktaErrorBody = (status: number) => {
  const [code, summary] = CODES[status] ?? ["E0000009", "Internal Server Error"];
  return oktaError(status, code, summary).body;
};
