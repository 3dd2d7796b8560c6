import { serve } from "inngest/next";
import type { NextRequest } from "next/server";
import { getInngest, servedFunctions } from "@/inngest";

// Inngest calls this endpoint to run steps; it must never be prerendered or cached.
export const dynamic = "force-dynamic";
// Steps call cloud SDKs and the database: the Node.js runtime, and room for slow cloud calls.
export const runtime = "nodejs";
export const maxDuration = 300;

let handlers: ReturnType<typeof serve> | undefined;

// Built on the first request, so loading the module (e.g. during `next build`) reads no environment.
function handler() {
  handlers ??= serve({ client: getInngest(), functions: servedFunctions(), servePath: "/api/inngest" });
  return handlers;
}

export const GET = (req: NextRequest, ctx: unknown) => handler().GET(req, ctx);
export const POST = (req: NextRequest, ctx: unknown) => handler().POST(req, ctx);
export const PUT = (req: NextRequest, ctx: unknown) => handler().PUT(req, ctx);
