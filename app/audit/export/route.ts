import { utcInput } from "@/components/audit/audit-filters";
import { exportAuditCsv } from "@/lib/audit/list";
import { getSessionCtx } from "@/lib/auth/session";
import { hasPermission } from "@/lib/ctx";
import { assertWellFormedQuery } from "@/lib/errors";
import { errorResponse, jsonError } from "@/lib/http/error-response";

/**
 * The audit viewer's CSV download, with the same filters as the page (read-only GET, session cookie,
 * audit.read). Cells that could run as formulas are neutralised (lib/audit/csv.ts); rows stream page by page.
 */
export async function GET(request: Request): Promise<Response> {
  const ctx = await getSessionCtx();
  if (!ctx) return jsonError(401, { code: "unauthorized", message: "Sign in first" });
  if (!hasPermission(ctx, "audit.read"))
    return jsonError(403, { code: "forbidden", message: "Missing permission audit.read" });
  const q = new URL(request.url).searchParams;
  const get = (k: string) => q.get(k) || undefined;
  const input = {
    actor: get("actor"),
    action: get("action"),
    subjectId: get("subjectId"),
    from: utcInput(get("from")),
    to: utcInput(get("to")),
  };
  const rows = exportAuditCsv({ ctx, input });
  let first: IteratorResult<string>;
  try {
    assertWellFormedQuery(q);
    first = await rows.next(); // the header; also surfaces a validation error as a 400, not a broken stream
    const second = await rows.next();
    const encoder = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        if (!first.done) controller.enqueue(encoder.encode(first.value));
        if (!second.done) controller.enqueue(encoder.encode(second.value));
        else controller.close();
      },
      async pull(controller) {
        const next = await rows.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
    });
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
    return new Response(stream, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="elevate-audit-${stamp}.csv"`,
        "cache-control": "no-store",
      },
    });
  } catch (err) {
    return errorResponse(err, { what: "audit export failed", ctx, req: request });
  }
}
