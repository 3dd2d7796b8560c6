"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { IMPORT_FORMATS, type ImportFormat, importCatalog, syncCatalogFromTarget } from "@/lib/catalog";
import { type ActionResult, authedAction } from "@/lib/http/authed-action";

const Import = z.object({ format: z.string(), content: z.string() });

// The cloud follows from the format; the verb validates both and names the field.
const run = authedAction(Import, (ctx, { format, content }) =>
  importCatalog({
    ctx,
    input: {
      cloud: IMPORT_FORMATS[format as ImportFormat] ?? "gcp",
      format: format as ImportFormat,
      content,
    },
  }),
);

/** An uploaded file wins over pasted text. Large exports need the server-action body limit raised. */
export async function importCatalogAction(_prev: unknown, form: FormData): Promise<ActionResult<unknown>> {
  const file = form.get("file");
  const pasted = String(form.get("content") ?? "");
  const content = file instanceof File && file.size > 0 ? await file.text() : pasted;
  const result = await run({ format: String(form.get("format") ?? ""), content });
  if (result.ok) revalidatePath("/admin/catalog");
  return result;
}

const sync = authedAction(z.object({ targetId: z.string() }), (ctx, input) =>
  syncCatalogFromTarget({ ctx, input }),
);

/** Reads one GCP/Azure target's own catalog through its adapter and imports it. */
export async function syncCatalogAction(_prev: unknown, form: FormData): Promise<ActionResult<unknown>> {
  const result = await sync(form);
  if (result.ok) revalidatePath("/admin/catalog");
  return result;
}
