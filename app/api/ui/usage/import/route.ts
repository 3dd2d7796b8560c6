import { uploadUsage } from "@/lib/usage/upload";
import { uiWriteRoute } from "../../_lib/ui-route";

/**
 * Audit-log upload (CloudTrail, Cloud Audit Logs, Activity Log; plain or gzip): POST the file as the body,
 * `?name=` and `?target=` optional. Same origin and session are checked before the body is read; the verb
 * checks the permission and streams the body under its own limit. Answers the import's summary.
 */
export const POST = uiWriteRoute(async (ctx, req) => {
  const q = new URL(req.url).searchParams;
  return uploadUsage({
    ctx,
    input: {
      name: (q.get("name") ?? "upload").slice(0, 200),
      target: q.get("target") || null,
      contentLength: Number(req.headers.get("content-length") ?? 0),
      body: req.body as AsyncIterable<Uint8Array> | null,
    },
  });
});
