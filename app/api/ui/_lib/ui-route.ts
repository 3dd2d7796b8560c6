import "server-only";
import { randomUUID } from "node:crypto";
import { isSameOrigin } from "@/lib/auth/same-origin";
import { getSessionCtx } from "@/lib/auth/session";
import type { Ctx } from "@/lib/ctx";
import { assertWellFormedQuery } from "@/lib/errors";
import { expectedError, retryHeaders } from "@/lib/http/unavailable";
import { logger } from "@/lib/log";

const NO_STORE = { "cache-control": "no-store, private" };

function error(status: number, code: string, message: string, field?: string, retryAfterSeconds?: number) {
  return Response.json(
    { error: { code, message, ...(field ? { field } : {}) } },
    { status, headers: { ...NO_STORE, ...retryHeaders(code, retryAfterSeconds) } },
  );
}

/** AppError → its status; a lost database connection → 503 with Retry-After; anything else → logged 500. */
function errorResponse(err: unknown, ctx: Ctx | null, what: string): Response {
  const expected = expectedError(err);
  if (expected) {
    const { status, code, message, field, retryAfterSeconds } = expected;
    return error(status, code, message, field, retryAfterSeconds);
  }
  const errorId = randomUUID();
  const actor = ctx?.actor.type === "system" ? undefined : ctx?.actor.userId;
  logger.error({ errorId, orgId: ctx?.orgId, actor, err }, what);
  return error(500, "internal", `Something went wrong (reference ${errorId})`);
}

/**
 * The portal's own JSON reads for react-query: session cookie, GET only (no state change, so no CSRF
 * exposure), one read verb inside.
 */
export function uiRoute<P extends Record<string, string>>(
  fn: (ctx: Ctx, args: { params: P; query: URLSearchParams }) => Promise<unknown>,
) {
  return async (req: Request, route: { params: Promise<P> }): Promise<Response> => {
    let ctx: Ctx | null = null;
    try {
      ctx = await getSessionCtx();
      if (!ctx) return error(401, "unauthorized", "Sign in again");
      const params = await route.params;
      const query = new URL(req.url).searchParams;
      assertWellFormedQuery(query);
      const data = await fn(ctx, { params, query });
      return Response.json(data, { headers: NO_STORE });
    } catch (err) {
      return errorResponse(err, ctx, "ui read failed");
    }
  };
}

/**
 * The portal's few writes too large for a server action (whose body limit is kept to what a form needs):
 * same-origin Origin (CSRF), then the session, before `fn` reads the body under its own limit.
 */
export function uiWriteRoute(fn: (ctx: Ctx, req: Request) => Promise<unknown>) {
  return async (req: Request): Promise<Response> => {
    let ctx: Ctx | null = null;
    try {
      if (!isSameOrigin(req)) return error(403, "forbidden", "Cross-origin request refused");
      ctx = await getSessionCtx();
      if (!ctx) return error(401, "unauthorized", "Sign in again");
      assertWellFormedQuery(new URL(req.url).searchParams);
      const data = await fn(ctx, req);
      return Response.json(data, { headers: NO_STORE });
    } catch (err) {
      return errorResponse(err, ctx, "ui write failed");
    }
  };
}
