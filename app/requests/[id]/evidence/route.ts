import { getSessionCtx } from "@/lib/auth/session";
import { assertWellFormedQuery, Validation } from "@/lib/errors";
import { getEvidencePack } from "@/lib/evidence/build-pack";
import { evidencePdf } from "@/lib/evidence/pdf";
import { packText } from "@/lib/evidence/signing";
import { errorResponse, jsonError } from "@/lib/http/error-response";

/**
 * The request detail page's evidence downloads (read-only GET, session cookie): `?grant=<id>&format=json`
 * the signed pack (verify with `npx elevate evidence verify`), `format=pdf` the same pack for people.
 * Visible like the grant: its own user, auditors and admins (grants.read.all); anyone else gets 404.
 */
export async function GET(request: Request, route: { params: Promise<{ id: string }> }): Promise<Response> {
  const ctx = await getSessionCtx();
  if (!ctx) return jsonError(401, { code: "unauthorized", message: "Sign in first" });
  try {
    const q = new URL(request.url).searchParams;
    assertWellFormedQuery(q);
    const format = q.get("format") ?? "json";
    if (format !== "json" && format !== "pdf") throw Validation("format", "must be json or pdf");
    const grantId = q.get("grant") ?? "";
    const pack = await getEvidencePack({ ctx, input: { grantId } });
    const { id } = await route.params;
    if (pack.grant.requestId !== id) throw Validation("grant", "is not a grant of this request");
    const name = `elevate-evidence-${pack.grant.id}`;
    if (format === "pdf") {
      const pdf = await evidencePdf(pack);
      return new Response(Buffer.from(pdf), {
        headers: {
          "content-type": "application/pdf",
          "content-disposition": `attachment; filename="${name}.pdf"`,
          "cache-control": "no-store",
        },
      });
    }
    return new Response(packText(pack), {
      headers: {
        "content-type": "application/json; charset=utf-8",
        "content-disposition": `attachment; filename="${name}.json"`,
        "cache-control": "no-store",
      },
    });
  } catch (err) {
    return errorResponse(err, { what: "evidence download failed", ctx, req: request });
  }
}
