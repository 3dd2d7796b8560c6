import { IMPORT_FORMATS, type ImportFormat, importCatalog } from "@/lib/catalog";
import { MAX_IMPORT_BYTES } from "@/lib/catalog/schemas";
import { assertPermission } from "@/lib/ctx";
import { Validation } from "@/lib/errors";
import { uiWriteRoute } from "../../_lib/ui-route";

const TOO_LARGE = `larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB`;

/** Reads the body as text, refusing it once it passes `max` bytes (declared or actually sent). */
async function readText(req: Request, max: number): Promise<string> {
  if (Number(req.headers.get("content-length") ?? 0) > max) throw Validation("content", TOO_LARGE);
  if (!req.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw Validation("content", TOO_LARGE);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Catalog import (gcloud/az exports run to megabytes, more than a server action takes): POST the export
 * as the body, `?format=` naming it. Same origin, session and `templates.edit` are checked before the
 * body is read, under the import's own limit.
 */
export const POST = uiWriteRoute(async (ctx, req) => {
  assertPermission(ctx, "templates.edit");
  const format = new URL(req.url).searchParams.get("format") ?? "";
  const content = await readText(req, MAX_IMPORT_BYTES);
  return importCatalog({
    ctx,
    input: {
      cloud: IMPORT_FORMATS[format as ImportFormat] ?? "gcp",
      format: format as ImportFormat,
      content,
    },
  });
});
