import { RETRY_AFTER_SECONDS } from "@/lib/http/unavailable";
import { readLiveness } from "@/lib/system/health";

// Health must be measured on every call, never prerendered or cached.
export const dynamic = "force-dynamic";

/** Liveness for load balancers: 200 with `status: "ok"`, or 503 `degraded` when the database does not answer. */
export async function GET(): Promise<Response> {
  const body = await readLiveness();
  return Response.json(body, {
    status: body.status === "ok" ? 200 : 503,
    headers: {
      "cache-control": "no-store",
      ...(body.status === "ok" ? {} : { "retry-after": String(RETRY_AFTER_SECONDS) }),
    },
  });
}
