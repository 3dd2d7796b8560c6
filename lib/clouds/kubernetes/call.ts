import { ApiException } from "@kubernetes/client-node";
import { isNetworkFailure, scrubNetworkDetail } from "@/lib/clouds/egress";
import { CloudError } from "@/lib/clouds/port";

/** What one API call returned, with the server's Audit-Id (the request id kept as evidence). */
export type Answer<T> = { data: T; requestId: string | null };

type WithInfo<T> = { data: T; headers: Record<string, string> };

/** The Status body's message (never the whole exception text, which repeats headers). */
function statusMessage(e: ApiException<unknown>): string {
  const body = typeof e.body === "string" ? safeJson(e.body) : e.body;
  const m = (body as { message?: unknown } | undefined)?.message;
  return typeof m === "string" ? m : `HTTP ${e.code}`;
}
const safeJson = (s: string): unknown => {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
};

/**
 * Classifies a failure the way the port wants it: 404 not_found, 409 handled by callers, 429 throttled
 * (Retry-After), 5xx and network failures retryable, 401/403 and the rest permanent. Messages carry the
 * API's Status message without addresses; never the token.
 */
export function classify(what: string, e: unknown): CloudError {
  if (e instanceof ApiException) {
    const msg = `kubernetes ${what}: ${scrubNetworkDetail(statusMessage(e))}`;
    const requestId = e.headers?.["audit-id"];
    if (e.code === 404) return new CloudError("not_found", msg, undefined, requestId);
    if (e.code === 429) {
      const after = Number(e.headers?.["retry-after"]);
      return new CloudError("throttled", msg, Number.isFinite(after) ? after * 1000 : 1000, requestId);
    }
    if (e.code >= 500) return new CloudError("retryable", msg, undefined, requestId);
    if (e.code === 401)
      return new CloudError("permanent", `${msg} (credentials rejected)`, undefined, requestId);
    return new CloudError("permanent", msg, undefined, requestId);
  }
  if (isNetworkFailure(e))
    return new CloudError("retryable", `kubernetes ${what}: could not reach the endpoint`);
  return new CloudError(
    "permanent",
    `kubernetes ${what}: ${scrubNetworkDetail(e instanceof Error ? e.message : String(e))}`,
  );
}

/** Runs a `...WithHttpInfo` call; `ok` lists statuses answered as values (409 on create, 404 on delete). */
export async function call<T>(
  what: string,
  run: () => Promise<WithInfo<T>>,
  ok: number[] = [],
): Promise<Answer<T> | { status: number; requestId: string | null }> {
  try {
    const info = await run();
    return { data: info.data, requestId: info.headers["audit-id"] ?? null };
  } catch (e) {
    if (e instanceof ApiException && ok.includes(e.code))
      return { status: e.code, requestId: e.headers?.["audit-id"] ?? null };
    throw classify(what, e);
  }
}

export const isAnswer = <T>(a: Answer<T> | { status: number }): a is Answer<T> => "data" in a;
export const ids = (...answers: { requestId: string | null }[]) =>
  answers.map((a) => a.requestId).filter((x): x is string => typeof x === "string");
