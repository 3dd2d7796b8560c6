import { getSessionCtx } from "@/lib/auth/session";
import { exportAccessReview, ReviewExportQuery } from "@/lib/compliance/reviews";
import { parseInput } from "@/lib/errors";
import { errorResponse, jsonError } from "@/lib/http/error-response";

/** A campaign's report as a file (session cookie; audit.read or compliance.manage, checked by the verb). */
export async function GET(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const ctx = await getSessionCtx();
  if (!ctx) return jsonError(401, { code: "unauthorized", message: "Sign in first" });
  try {
    const { format } = parseInput(ReviewExportQuery, Object.fromEntries(new URL(request.url).searchParams));
    const file = await exportAccessReview({ ctx, input: { reviewId: (await params).id, format } });
    return new Response(typeof file.body === "string" ? file.body : Buffer.from(file.body), {
      headers: {
        "content-type": file.contentType,
        "content-disposition": `attachment; filename="${file.filename}"`,
        "cache-control": "no-store",
      },
    });
  } catch (err) {
    return errorResponse(err, { what: "access review export failed", ctx, req: request });
  }
}
