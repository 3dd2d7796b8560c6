import "server-only";
import { isSameOrigin } from "@/lib/auth/same-origin";
import { getSessionCtx } from "@/lib/auth/session";
import type { Ctx } from "@/lib/ctx";
import { assertWellFormedQuery } from "@/lib/errors";
import { errorResponse, jsonError } from "@/lib/http/error-response";

const NO_STORE = { "cache-control": "no-store, private" };

const refuse = (status: 401 | 403, code: "unauthorized" | "forbidden", message: string) =>
  jsonError(status, { code, message });

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
      if (!ctx) return refuse(401, "unauthorized", "Sign in again");
      const params = await route.params;
      const query = new URL(req.url).searchParams;
      assertWellFormedQuery(query);
      const data = await fn(ctx, { params, query });
      return Response.json(data, { headers: NO_STORE });
    } catch (err) {
      return errorResponse(err, { what: "ui read failed", ctx, req });
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
      if (!isSameOrigin(req)) return refuse(403, "forbidden", "Cross-origin request refused");
      ctx = await getSessionCtx();
      if (!ctx) return refuse(401, "unauthorized", "Sign in again");
      assertWellFormedQuery(new URL(req.url).searchParams);
      const data = await fn(ctx, req);
      return Response.json(data, { headers: NO_STORE });
    } catch (err) {
      return errorResponse(err, { what: "ui write failed", ctx, req });
    }
  };
}
