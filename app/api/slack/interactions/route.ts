import { errorResponse } from "@/lib/http/error-response";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { getDbOrUnavailable } from "@/lib/http/unavailable";
import { handleSlackInteraction } from "@/lib/slack/interactions";
import { getWorkflowDriver } from "@/lib/workflows";

/** Slack's interactivity payloads are small; anything bigger is not Slack. */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * Approve/Deny buttons of Elevate's Slack messages (Slack app → Interactivity → Request URL). Not under
 * /api/v1: Slack signs the request (lib/slack/verify.ts) instead of sending a bearer token.
 */
export async function POST(req: Request): Promise<Response> {
  try {
    const declared = Number(req.headers.get("content-length") ?? "0");
    if (declared > MAX_BODY_BYTES)
      return Response.json({ ok: false, error: "body too large" }, { status: 413 });
    const rawBody = await req.text();
    if (Buffer.byteLength(rawBody) > MAX_BODY_BYTES) {
      return Response.json({ ok: false, error: "body too large" }, { status: 413 });
    }
    const db = await getDbOrUnavailable();
    const out = await handleSlackInteraction({
      db,
      workflows: await getWorkflowDriver(),
      rawBody,
      headers: {
        timestamp: req.headers.get("x-slack-request-timestamp"),
        signature: req.headers.get("x-slack-signature"),
        retryNum: req.headers.get("x-slack-retry-num"),
      },
    });
    return Response.json(out.body, { status: out.status, headers: { "cache-control": "no-store" } });
  } catch (err) {
    return errorResponse(err, { what: "slack interaction", req });
  }
}

export const { GET, PUT, PATCH, DELETE } = methodNotAllowed("POST");
