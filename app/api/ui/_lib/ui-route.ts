import "server-only";
import { randomUUID } from "node:crypto";
import { getSessionCtx } from "@/lib/auth/session";
import type { Ctx } from "@/lib/ctx";
import { AppError, assertWellFormedQuery } from "@/lib/errors";
import { logger } from "@/lib/log";

const NO_STORE = { "cache-control": "no-store, private" };

function error(status: number, code: string, message: string, field?: string) {
  return Response.json(
    { error: { code, message, ...(field ? { field } : {}) } },
    { status, headers: NO_STORE },
  );
}

/**
 * The portal's own JSON reads for react-query: session cookie, GET only (no state change, so no CSRF
 * exposure), one read verb inside. AppError → its status; anything else → logged 500 with an id.
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
      if (err instanceof AppError) return error(err.status, err.code, err.message, err.field);
      const errorId = randomUUID();
      const actor = ctx?.actor.type === "system" ? undefined : ctx?.actor.userId;
      logger.error({ errorId, orgId: ctx?.orgId, actor, err }, "ui read failed");
      return error(500, "internal", `Something went wrong (reference ${errorId})`);
    }
  };
}
