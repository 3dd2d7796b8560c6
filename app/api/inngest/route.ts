import { serve } from "inngest/next";
import { functions, inngest } from "@/inngest";

// Inngest calls this endpoint to run steps; it must never be prerendered or cached.
export const dynamic = "force-dynamic";
// Steps call cloud SDKs and the database: the Node.js runtime, and room for slow cloud calls.
export const runtime = "nodejs";
export const maxDuration = 300;

export const { GET, POST, PUT } = serve({ client: inngest, functions, servePath: "/api/inngest" });
