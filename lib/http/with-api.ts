import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { getDb } from "@/db/client";
import type { Permission } from "@/lib/auth/permissions";
import { assertPermission, type Ctx } from "@/lib/ctx";
import {
  AppError,
  assertWellFormedQuery,
  NotFound,
  parseInput,
  Unauthorized,
  Unavailable,
  Validation,
} from "@/lib/errors";
import { logger } from "@/lib/log";
import { authenticateToken } from "@/lib/tokens/authenticate";
import { getWorkflowDriver } from "@/lib/workflows";

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;
type RouteParams = Record<string, string | string[] | undefined>;
/** Next 16 hands route params as a Promise. */
export type RouteContext = { params?: Promise<RouteParams> };

export type ApiOptions<B, Q, P> = {
  permission?: Permission;
  body?: B;
  query?: Q;
  /** Path params that fail this schema (e.g. an id that is not a uuid) answer 404, never 500. */
  params?: P;
};

export type ApiArgs<B, Q, P> = {
  ctx: Ctx;
  body: Out<B>;
  query: Out<Q>;
  params: Out<P>;
  req: Request;
  requestId: string;
};

const MAX_BODY_BYTES = 64 * 1024;
const NO_STORE = { "cache-control": "no-store" };

export function apiError(status: number, code: string, message: string, extra: Record<string, unknown> = {}) {
  return Response.json({ error: { code, message, ...extra } }, { status, headers: NO_STORE });
}

export function created(value: unknown): Response {
  return Response.json(value, { status: 201, headers: NO_STORE });
}

/**
 * The one wrapper for public API route handlers: bearer token only (API routes never read cookies, so
 * there is no CSRF path), permission, zod-parsed params/query/body, AppError → status, anything else →
 * a logged 500 with a request id. The handler returns a value (200 JSON) or its own Response.
 */
export function withApi<
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
>(opts: ApiOptions<B, Q, P>, handler: (args: ApiArgs<B, Q, P>) => Promise<unknown>) {
  return async (req: Request, route?: RouteContext): Promise<Response> => {
    const requestId = randomUUID();
    let ctx: Ctx | undefined;
    try {
      const db = await openDbOrUnavailable();
      const auth = await authenticate(db, req);
      if (!auth) return unauthorized();
      ctx = { ...auth, db, workflows: await getWorkflowDriver() };
      if (opts.permission) assertPermission(ctx, opts.permission);
      const params = await parseParams(opts.params, route);
      const query = parseQuery(opts.query, new URL(req.url).searchParams);
      const body = opts.body ? parseInput(opts.body, await readJson(req)) : undefined;
      const result = await handler({ ctx, body, query, params, req, requestId } as ApiArgs<B, Q, P>);
      return result instanceof Response ? result : Response.json(result ?? null, { headers: NO_STORE });
    } catch (err) {
      return toErrorResponse(err, req, requestId, ctx);
    }
  };
}

async function openDbOrUnavailable() {
  try {
    return await getDb();
  } catch (err) {
    logger.error({ err }, "api: database unavailable");
    throw Unavailable("The database is unavailable; try again shortly");
  }
}

function unauthorized(): Response {
  const res = apiError(401, Unauthorized().code, "Pass a valid API token: Authorization: Bearer elv_…");
  res.headers.set("www-authenticate", 'Bearer realm="elevate"');
  return res;
}

async function authenticate(db: Ctx["db"], req: Request) {
  const header = req.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match ? authenticateToken(db, match[1]) : null;
}

async function parseParams(schema: z.ZodType | undefined, route: RouteContext | undefined) {
  const raw = (await route?.params) ?? {};
  if (!schema) return raw;
  const r = schema.safeParse(raw);
  if (!r.success) throw NotFound("Resource");
  return r.data;
}

function parseQuery(schema: z.ZodType | undefined, params: URLSearchParams) {
  assertWellFormedQuery(params);
  return schema ? parseInput(schema, Object.fromEntries(params)) : undefined;
}

async function readJson(req: Request): Promise<unknown> {
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > MAX_BODY_BYTES) throw Validation("body", "larger than 64 KiB");
  const text = await req.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw Validation("body", "larger than 64 KiB");
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw Validation("body", "malformed JSON");
  }
}

function toErrorResponse(err: unknown, req: Request, requestId: string, ctx: Ctx | undefined): Response {
  if (err instanceof AppError) {
    return apiError(err.status, err.code, err.message, err.field ? { field: err.field } : {});
  }
  const actor = ctx?.actor.type === "system" ? ctx.actor.job : ctx?.actor.userId;
  logger.error(
    { err, requestId, method: req.method, path: new URL(req.url).pathname, orgId: ctx?.orgId, actor },
    "api request failed",
  );
  return apiError(500, "internal", `Something went wrong (request id ${requestId})`, { requestId });
}
