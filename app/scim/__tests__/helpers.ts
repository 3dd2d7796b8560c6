import type { Db } from "@/db/client";
import { mintScimToken } from "@/lib/scim";
import { systemCtx } from "@/lib/workflows/system-ctx";

type Handler = (req: Request, route?: { params?: Promise<Record<string, string>> }) => Promise<Response>;

/** Calls a /scim/v2 route handler as a directory would: bearer token, SCIM JSON body, route params. */
export async function scim(
  handler: Handler,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; params?: Record<string, string>; contentType?: string } = {},
) {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  if (body !== undefined)
    headers["content-type"] = opts.contentType ?? "application/scim+json; charset=utf-8";
  const res = await handler(
    new Request(`https://elevate.example${path.startsWith("/scim") ? "" : "/scim/v2"}${path}`, {
      method,
      headers,
      body,
    }),
    {
      params: Promise.resolve(opts.params ?? {}),
    },
  );
  const text = await res.text();
  return {
    status: res.status,
    type: res.headers.get("content-type"),
    headers: res.headers,
    json: text ? JSON.parse(text) : null,
  };
}

export async function scimToken(db: Db, orgId: string): Promise<string> {
  return (await mintScimToken({ ctx: systemCtx(db, orgId, "test") })).token;
}

export const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
export const q = (filter: string, extra = "") => `?filter=${encodeURIComponent(filter)}${extra}`;
