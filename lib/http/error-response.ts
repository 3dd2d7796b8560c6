import "server-only";
import { randomUUID } from "node:crypto";
import type { Ctx } from "@/lib/ctx";
import type { ErrorCode } from "@/lib/errors";
import { logger } from "@/lib/log";
import { expectedError, retryHeaders } from "./unavailable";

/** The error every transport answers with: `{ error }` of a JSON response, `error` of an action result. */
export type ErrorBody = {
  code: ErrorCode | "internal";
  message: string;
  field?: string;
  /** With `rate_limited`: seconds before trying again (JSON responses carry it as Retry-After). */
  retryAfterSeconds?: number;
  /** With `internal`: the id the log line carries. */
  requestId?: string;
};

export type MappedError = { status: number; error: ErrorBody; headers: Record<string, string> };

/** Where an unexpected error happened, for its log line (never shown to the caller). */
export type ErrorScope = { what: string; ctx?: Ctx | null; requestId?: string; req?: Request };

/**
 * The one error mapping, shared by route handlers (withApi), UI routes and server actions: an AppError
 * keeps its status, code, message and field; a lost database connection is 503 `unavailable`; anything
 * else is logged with an id and answered as a generic 500 naming only that id.
 */
export function mapError(err: unknown, scope: ErrorScope): MappedError {
  const expected = expectedError(err);
  if (expected) {
    const { status, code, message, field, retryAfterSeconds } = expected;
    return {
      status,
      error: {
        code,
        message,
        ...(field ? { field } : {}),
        ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
      },
      headers: retryHeaders(code, retryAfterSeconds),
    };
  }
  const requestId = scope.requestId ?? randomUUID();
  const { ctx, req } = scope;
  const actor = ctx?.actor.type === "system" ? ctx.actor.job : ctx?.actor.userId;
  const where = req ? { method: req.method, path: new URL(req.url).pathname } : {};
  logger.error({ err, requestId, orgId: ctx?.orgId, actor, ...where }, scope.what);
  return {
    status: 500,
    error: { code: "internal", message: `Something went wrong (reference ${requestId})`, requestId },
    headers: {},
  };
}

/** A JSON error response in the shape every route shares, with Retry-After where it applies. */
export function jsonError(
  status: number,
  error: Omit<ErrorBody, "retryAfterSeconds">,
  headers: Record<string, string> = {},
): Response {
  return Response.json({ error }, { status, headers: { "cache-control": "no-store", ...headers } });
}

/** mapError as a Response: what route handlers and UI routes answer when something throws. */
export function errorResponse(err: unknown, scope: ErrorScope): Response {
  const { status, error, headers } = mapError(err, scope);
  const { retryAfterSeconds: _inHeader, ...body } = error;
  return jsonError(status, body, headers);
}
