import { describe, expect, it } from "vitest";
import { classifyAwsError, DEFAULT_THROTTLE_BACKOFF_MS } from "./errors";

// Shapes as the SDK produces them: modelled exceptions ("NoSuchEntityException" with Code), unmodelled
// codes by name, and Node network errors without $metadata.status.
const sdk = (name: string, status: number | undefined, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${name} happened`), {
    name,
    $metadata: { httpStatusCode: status, requestId: "req-1" },
    ...extra,
  });

describe("classifyAwsError", () => {
  it.each([
    [sdk("Throttling", 400), "throttled"],
    [sdk("ThrottlingException", 400), "throttled"],
    [sdk("RequestLimitExceeded", 400), "throttled"],
    [sdk("ServiceFailureException", 500, { Code: "ServiceFailure" }), "retryable"],
    [sdk("ServiceUnavailable", 503), "retryable"],
    [sdk("InternalError", 502), "retryable"],
    [sdk("TimeoutError", undefined, { code: "ETIMEDOUT" }), "retryable"],
    [sdk("Error", undefined, { code: "ECONNREFUSED" }), "retryable"],
    [sdk("NoSuchEntityException", 404, { Code: "NoSuchEntity" }), "not_found"],
    [sdk("AccessDenied", 403), "permanent"],
    [sdk("LimitExceededException", 409, { Code: "LimitExceeded" }), "permanent"],
    [sdk("MalformedPolicyDocumentException", 400, { Code: "MalformedPolicyDocument" }), "permanent"],
    [sdk("ValidationError", 400), "permanent"],
    [sdk("DeleteConflictException", 409, { Code: "DeleteConflict" }), "permanent"],
    [new TypeError("a bug"), "permanent"],
  ])("%s → %s", (error, kind) => {
    const e = classifyAwsError("Op", error);
    expect(e.kind).toBe(kind);
    expect(e.message).toMatch(/^AWS IAM Op: /);
  });

  it("takes retry-after from the header in seconds or as a date, else a backoff hint", () => {
    const headers = (v: string) => ({ $response: { headers: { "Retry-After": v } } });
    expect(classifyAwsError("Op", sdk("Throttling", 400, headers("3"))).retryAfterMs).toBe(3000);
    const at = new Date(Date.now() + 60_000).toUTCString();
    const ms = classifyAwsError("Op", sdk("Throttling", 400, headers(at))).retryAfterMs ?? 0;
    expect(ms).toBeGreaterThan(55_000);
    expect(ms).toBeLessThanOrEqual(60_000);
    expect(classifyAwsError("Op", sdk("Throttling", 400)).retryAfterMs).toBe(DEFAULT_THROTTLE_BACKOFF_MS);
    expect(classifyAwsError("Op", sdk("Throttling", 400)).requestId).toBe("req-1");
  });
});
