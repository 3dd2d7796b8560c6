import { randomUUID } from "node:crypto";
import { env } from "@/lib/env";
import { Validation } from "@/lib/errors";
import { pollDeviceAuthorization, startDeviceAuthorization } from "@/lib/tokens/device";
import { errorResponse } from "./error-response";
import { getDbOrUnavailable } from "./unavailable";

/**
 * The two public endpoints of the CLI's device sign-in (RFC 8628 §3.1–3.5). They speak the RFC's own
 * snake_case fields and OAuth errors (RFC 6749 §5.2: 400 `{"error": "authorization_pending"}` …) so any
 * device-flow client works; bodies may be JSON or form-encoded, as OAuth clients send them.
 */
const GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code";
const NO_STORE = { "cache-control": "no-store" };
const MAX_BODY = 8 * 1024;

async function fields(req: Request): Promise<Record<string, string>> {
  const text = await req.text();
  if (Buffer.byteLength(text) > MAX_BODY) throw Validation("body", "larger than 8 KiB");
  const type = (req.headers.get("content-type") ?? "").toLowerCase();
  if (type.startsWith("application/x-www-form-urlencoded"))
    return Object.fromEntries(new URLSearchParams(text));
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw Validation("body", "malformed JSON");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw Validation("body", "must be an object");
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) if (typeof v === "string") out[k] = v;
  return out;
}

function portalUrl(req: Request): string {
  return (env().NEXTAUTH_URL ?? new URL(req.url).origin).replace(/\/+$/, "");
}

export async function deviceCodeRoute(req: Request): Promise<Response> {
  const requestId = randomUUID();
  try {
    const f = await fields(req);
    const db = await getDbOrUnavailable();
    const started = await startDeviceAuthorization({ db, input: { clientName: f.client_name ?? "" } });
    const verification = `${portalUrl(req)}/device`;
    return Response.json(
      {
        device_code: started.deviceCode,
        user_code: started.userCode,
        verification_uri: verification,
        verification_uri_complete: `${verification}?code=${encodeURIComponent(started.userCode)}`,
        expires_in: started.expiresIn,
        interval: started.interval,
      },
      { headers: NO_STORE },
    );
  } catch (err) {
    return errorResponse(err, { what: "device code failed", requestId, req });
  }
}

export async function deviceTokenRoute(req: Request): Promise<Response> {
  const requestId = randomUUID();
  try {
    const f = await fields(req);
    if (f.grant_type !== GRANT_TYPE) {
      return Response.json(
        { error: "unsupported_grant_type", error_description: `grant_type must be ${GRANT_TYPE}` },
        { status: 400, headers: NO_STORE },
      );
    }
    if (!f.device_code) {
      return Response.json(
        { error: "invalid_request", error_description: "device_code is required" },
        { status: 400, headers: NO_STORE },
      );
    }
    const db = await getDbOrUnavailable();
    const out = await pollDeviceAuthorization({ db, input: { deviceCode: f.device_code } });
    if (!out.ok) return Response.json({ error: out.error }, { status: 400, headers: NO_STORE });
    return Response.json(
      {
        access_token: out.token,
        token_type: "Bearer",
        expires_in: Math.max(0, Math.floor((Date.parse(out.expiresAt) - Date.now()) / 1000)),
      },
      { headers: NO_STORE },
    );
  } catch (err) {
    return errorResponse(err, { what: "device token failed", requestId, req });
  }
}
