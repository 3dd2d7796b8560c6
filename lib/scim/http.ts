import { randomUUID } from "node:crypto";
import type { Ctx } from "@/lib/ctx";
import { AppError } from "@/lib/errors";
import { mapError } from "@/lib/http/error-response";
import { getDbOrUnavailable } from "@/lib/http/unavailable";
import { getWorkflowDriver } from "@/lib/workflows";
import { systemCtx } from "@/lib/workflows/system-ctx";
import { DIRECTORY_JOB } from "./deprovision";
import { invalidSyntax, SCIM_ERROR_SCHEMA, ScimError } from "./errors";
import { authenticateScimToken } from "./token";
import type { ScimCall } from "./users";

export const SCIM_CONTENT_TYPE = "application/scim+json";
const MAX_BODY_BYTES = 1024 * 1024;
const HEADERS = { "content-type": `${SCIM_CONTENT_TYPE}; charset=utf-8`, "cache-control": "no-store" };

export type ScimArgs = ScimCall & {
  req: Request;
  params: Record<string, string>;
  body: () => Promise<unknown>;
};
type RouteContext = { params?: Promise<Record<string, string | string[] | undefined>> };

/** A SCIM answer: status and JSON body (null: 204 No Content). */
export const scimJson = (body: unknown, status = 200) =>
  body === null
    ? new Response(null, { status: 204, headers: { "cache-control": "no-store" } })
    : new Response(JSON.stringify(body), { status, headers: HEADERS });

/**
 * The one wrapper for /scim/v2 handlers: the organization's directory token (never a cookie, never a
 * person's API token), the directory as the acting system (`system` / `directory` in the audit log),
 * SCIM or plain JSON bodies up to 1 MiB, and every failure as a SCIM error (RFC 7644 §3.12).
 */
export function withScim(handler: (args: ScimArgs) => Promise<Response>) {
  return async (req: Request, route?: RouteContext): Promise<Response> => {
    const requestId = randomUUID();
    let ctx: Ctx | undefined;
    try {
      const db = await getDbOrUnavailable();
      const header = req.headers.get("authorization") ?? "";
      const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
      const auth = match ? await authenticateScimToken(db, match[1]) : null;
      if (!auth) {
        const res = scimJson(
          new ScimError(401, "Pass the organization's SCIM token: Authorization: Bearer scim_…").toJSON(),
          401,
        );
        res.headers.set("www-authenticate", 'Bearer realm="elevate-scim"');
        return res;
      }
      ctx = systemCtx(db, auth.orgId, DIRECTORY_JOB, await getWorkflowDriver());
      const url = new URL(req.url);
      const base = `${url.origin}${url.pathname.slice(0, url.pathname.indexOf("/scim/v2") + "/scim/v2".length)}`;
      const raw = (await route?.params) ?? {};
      const params = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, String(v ?? "")]));
      return await handler({ ctx, base, req, params, body: () => readBody(req) });
    } catch (err) {
      return scimError(err, ctx, requestId, req);
    }
  };
}

async function readBody(req: Request): Promise<unknown> {
  const type = (req.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type && type !== SCIM_CONTENT_TYPE && type !== "application/json")
    throw new ScimError(415, `send ${SCIM_CONTENT_TYPE} or application/json`);
  const text = await req.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new ScimError(413, "the body is larger than 1 MiB");
  try {
    return JSON.parse(text);
  } catch {
    throw invalidSyntax("the body is not JSON");
  }
}

function scimError(err: unknown, ctx: Ctx | undefined, requestId: string, req: Request): Response {
  if (err instanceof ScimError) return scimJson(err.toJSON(), err.status);
  const mapped = mapError(err, { what: "scim request failed", ctx, requestId, req });
  const scimType =
    err instanceof AppError && err.code === "validation"
      ? "invalidValue"
      : mapped.error.code === "conflict"
        ? "uniqueness"
        : undefined;
  const res = scimJson(
    {
      schemas: [SCIM_ERROR_SCHEMA],
      status: String(mapped.status),
      ...(scimType ? { scimType } : {}),
      detail: mapped.error.message,
    },
    mapped.status,
  );
  for (const [k, v] of Object.entries(mapped.headers)) res.headers.set(k, v);
  return res;
}

/** 405 for a method a SCIM endpoint does not serve, with Allow. */
export function scimMethodNotAllowed(allow: string) {
  const handler = async () => {
    const res = scimJson(new ScimError(405, `use ${allow}`).toJSON(), 405);
    res.headers.set("allow", allow);
    return res;
  };
  return { GET: handler, POST: handler, PUT: handler, PATCH: handler, DELETE: handler };
}
