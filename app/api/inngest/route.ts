import { serve } from "inngest/next";
import type { NextRequest } from "next/server";
import { getInngest, servedFunctions } from "@/inngest";
import { env } from "@/lib/env";
import { jsonError } from "@/lib/http/error-response";
import { logger } from "@/lib/log";
import { inngestClientOptions } from "@/lib/workflows/inngest-driver";

// Inngest calls this endpoint to run steps; it must never be prerendered or cached.
export const dynamic = "force-dynamic";
// Steps call cloud SDKs and the database: the Node.js runtime, and room for slow cloud calls.
export const runtime = "nodejs";
export const maxDuration = 300;

type Handlers = ReturnType<typeof serve>;
let handlers: Handlers | undefined;
let warned = false;

const refuse = (status: 401 | 404, code: "unauthorized" | "not_found", message: string) =>
  jsonError(status, { code, message });

/**
 * What answers a call, decided on the first request (so loading the module during `next build` reads no
 * environment):
 * - 404 unless the Inngest driver is configured: with the inline driver nothing legitimate calls here, and
 *   the endpoint must not run grant functions for whoever does;
 * - Inngest's serve handler, which checks Inngest's request signature unless INNGEST_DEV explicitly asks for
 *   the dev server (inngestClientOptions);
 * - 401 in cloud mode without INNGEST_SIGNING_KEY: no call can be verified (the SDK itself would answer 500).
 */
function handler(): Handlers | Response {
  const e = env();
  if (e.workflowsKind !== "inngest") return refuse(404, "not_found", "Not found");
  const { isDev, signingKey } = inngestClientOptions(e);
  if (!warned && (isDev || !signingKey)) {
    warned = true;
    if (isDev) {
      logger.warn(
        { route: "/api/inngest" },
        "Inngest dev mode (INNGEST_DEV): unsigned calls run functions; keep this server on 127.0.0.1",
      );
    } else {
      logger.error(
        { route: "/api/inngest" },
        "INNGEST_SIGNING_KEY is not set: every Inngest call is refused",
      );
    }
  }
  if (!isDev && !signingKey) return refuse(401, "unauthorized", "A signed Inngest request is required");
  handlers ??= serve({ client: getInngest(), functions: servedFunctions(), servePath: "/api/inngest" });
  return handlers;
}

function method(name: keyof Handlers) {
  return (req: NextRequest, ctx: unknown) => {
    const h = handler();
    return h instanceof Response ? h : h[name](req, ctx);
  };
}

export const GET = method("GET");
export const POST = method("POST");
export const PUT = method("PUT");
