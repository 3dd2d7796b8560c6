import { getSessionCtx } from "@/lib/auth/session";
import { buildAccessReport, renderAccessReport } from "@/lib/compliance";
import { AccessReportQuery } from "@/lib/compliance/schemas";
import { hasPermission } from "@/lib/ctx";
import { assertWellFormedQuery, parseInput } from "@/lib/errors";
import { errorResponse, jsonError } from "@/lib/http/error-response";

/** The compliance page's downloads (session cookie, audit.read): the API's report as a CSV, JSON or PDF file. */
export async function GET(request: Request): Promise<Response> {
  const ctx = await getSessionCtx();
  if (!ctx) return jsonError(401, { code: "unauthorized", message: "Sign in first" });
  if (!hasPermission(ctx, "audit.read"))
    return jsonError(403, { code: "forbidden", message: "Missing permission audit.read" });
  try {
    const params = new URL(request.url).searchParams;
    assertWellFormedQuery(params);
    const q = parseInput(AccessReportQuery, Object.fromEntries(params));
    const report = await buildAccessReport({ ctx, input: { from: q.from, to: q.to, by: q.by } });
    const file = await renderAccessReport(report, q.format);
    return new Response(typeof file.body === "string" ? file.body : Buffer.from(file.body), {
      headers: {
        "content-type": file.contentType,
        "content-disposition": `attachment; filename="${file.filename}"`,
        "cache-control": "no-store",
      },
    });
  } catch (err) {
    return errorResponse(err, { what: "compliance export failed", ctx, req: request });
  }
}
