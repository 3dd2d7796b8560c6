import type { FakeReply } from "@/lib/clouds/fakes/gcp/fake-http";

const CODES: Record<number, string> = {
  400: "BadRequest",
  401: "AuthenticationFailed",
  403: "AuthorizationFailed",
  404: "NotFound",
  409: "Conflict",
  429: "TooManyRequests",
  500: "InternalServerError",
  503: "ServiceUnavailable",
};

/** ARM's error shape: `{ error: { code, message } }`. */
export const armError = (status: number, code: string, message: string): FakeReply => ({
  status,
  body: { error: { code, message } },
});

export const armErrorBody = (status: number) =>
  armError(status, CODES[status] ?? "Error", `injected ${status}`).body;
