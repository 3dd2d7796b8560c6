"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { syncCatalogFromTarget } from "@/lib/catalog";
import type { CatalogSyncDto } from "@/lib/catalog/sync";
import { type ActionState, authedAction } from "@/lib/http/authed-action";

const sync = authedAction(z.object({ targetId: z.string() }), (ctx, input) =>
  syncCatalogFromTarget({ ctx, input }),
);

/** Reads one GCP/Azure target's own catalog through its adapter and imports it. */
export async function syncCatalogAction(
  _prev: ActionState<CatalogSyncDto>,
  form: FormData,
): Promise<ActionState<CatalogSyncDto>> {
  const result = await sync(form);
  if (result.ok) revalidatePath("/admin/catalog");
  return result;
}
