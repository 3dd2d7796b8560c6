import { randomUUID } from "node:crypto";
import type { z } from "zod";
import type { Permission } from "@/lib/auth/permissions";
import { assertPermission, type Ctx } from "@/lib/ctx";
import { env } from "@/lib/env";
import { assertWellFormedQuery, NotFound, parseInput, Unauthorized, Validation } from "@/lib/errors";
import { authenticateToken } from "@/lib/tokens/authenticate";
import { getWorkflowDriver } from "@/lib/workflows";
import { type ErrorBody, errorResponse, jsonError } from "./error-response";
import { getDbOrUnavailable, retryHeaders } from "./unavailable";

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;
type RouteParams = Record<string, string | string[] | undefined>;
/** Next 16 hands route params as a Promise. */
export type RouteContext = { params?: Promise<RouteParams> };

export type ApiOptions<B, Q, P, R = undefined> = {
  permission?: Permission;
  /** The response schema (lib/http/api-responses.ts): types the handler's result and feeds the OpenAPI document. */
  response?: R;
  /** Success status; 201 for creations. */
  status?: 200 | 201;
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

/** A JSON error response outside the mapper (401, 405, 415): the same shape, and Retry-After where it applies. */
export function apiError(
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
  retryAfterSeconds?: number,
) {
  return jsonError(
    status,
    { code: code as ErrorBody["code"], message, ...extra },
    retryHeaders(code, retryAfterSeconds),
  );
}

/**
 * The one wrapper for public API route handlers: bearer token only (API routes never read cookies, so
 * there is no CSRF path), permission, zod-parsed params/query/body, AppError → status, a lost database
 * connection → 503 with Retry-After, anything else → a logged 500 with a request id. The handler returns
 * a value (200 JSON) or its own Response.
 */
export function withApi<
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
  R extends z.ZodType | undefined = undefined,
>(opts: ApiOptions<B, Q, P, R>, handler: (args: ApiArgs<B, Q, P>) => Promise<Result<R>>) {
  return withContract(opts, async (req: Request, route?: RouteContext): Promise<Response> => {
    const requestId = randomUUID();
    let ctx: Ctx | undefined;
    try {
      const db = await getDbOrUnavailable();
      const auth = await authenticate(db, req);
      if (!auth) return unauthorized();
      ctx = { ...auth, db, workflows: await getWorkflowDriver() };
      if (opts.permission) assertPermission(ctx, opts.permission);
      const params = await parseParams(opts.params, route);
      const query = parseQuery(opts.query, new URL(req.url).searchParams);
      if (opts.body && !acceptsJson(req)) return unsupportedMediaType();
      const body = opts.body ? parseInput(opts.body, await readJson(req)) : undefined;
      const result = await handler({ ctx, body, query, params, req, requestId } as ApiArgs<B, Q, P>);
      if (result instanceof Response) return result;
      checkResponse(opts.response, result);
      return Response.json(result ?? null, { status: opts.status ?? 200, headers: NO_STORE });
    } catch (err) {
      return errorResponse(err, { what: "api request failed", ctx, requestId, req });
    }
  });
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

// --- The response contract (OpenAPI point 13): typed results, 415, and the schemas a route declares. ---

/** A handler with a response schema must return exactly that shape; without one, anything. */
type Result<R> = R extends z.ZodType ? z.input<R> : unknown;

/** What a route declares, readable by tests that hold the OpenAPI document to the handlers. */
export type ApiContract = Pick<
  ApiOptions<unknown, unknown, unknown, unknown>,
  "body" | "query" | "response" | "status"
>;

function withContract<H extends (req: Request, route?: RouteContext) => Promise<Response>>(
  opts: ApiContract,
  handler: H,
): H & { contract: ApiContract } {
  const { body, query, response, status } = opts;
  return Object.assign(handler, { contract: { body, query, response, status } });
}

/** Bodies are JSON: another declared type, or an undeclared non-empty body, answers 415. */
function acceptsJson(req: Request): boolean {
  const type = req.headers.get("content-type");
  if (type === null) return Number(req.headers.get("content-length") ?? 0) === 0;
  return /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type.trim());
}

function unsupportedMediaType(): Response {
  return apiError(415, "unsupported_media_type", "Send the body as JSON: Content-Type: application/json");
}

/** Outside production a result that does not match its declared schema fails loudly (a 500), so drift shows in tests. */
function checkResponse(schema: z.ZodType | undefined, result: unknown): void {
  if (!schema || env().NODE_ENV === "production") return;
  const r = schema.safeParse(result);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(
      `response does not match its schema at ${issue?.path.join(".") || "(root)"}: ${issue?.message}`,
    );
  }
}
