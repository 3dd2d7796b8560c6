import type { FakeReply } from "./fake-http";

const STATUS: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ABORTED",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

/** Google's JSON error shape: `{ error: { code, message, status } }`. */
export function gcpError(code: number, message: string, status = STATUS[code] ?? "UNKNOWN"): FakeReply {
  return { status: code, body: { error: { code, message, status } } };
}

export const gcpErrorBody = (code: number) => gcpError(code, `injected ${code}`).body;
