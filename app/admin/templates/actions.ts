"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { type Cloud, permissionsOn } from "@/lib/clouds/kinds";
import { AppError } from "@/lib/errors";
import { type ActionState, authedAction } from "@/lib/http/authed-action";
import {
  CLOUDS,
  createTemplate,
  previewTemplate,
  type SavedTemplateDto,
  type TemplatePreviews,
  updateTemplate,
} from "@/lib/templates";

// Forms send strings; the verbs validate the real shapes and name the field on error.
const lines = (v: FormDataEntryValue | null) =>
  String(v ?? "")
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);

function fromForm(form: FormData) {
  return {
    key: String(form.get("key") ?? ""),
    name: String(form.get("name") ?? ""),
    description: String(form.get("description") ?? ""),
    risk: String(form.get("risk") ?? "") as "low",
    placeholders: form.getAll("placeholders").map(String),
    permissions: Object.fromEntries(CLOUDS.map((c) => [c, lines(form.get(c))])) as Record<Cloud, string[]>,
  };
}

const Passthrough = z.custom<ReturnType<typeof fromForm> & { expectedVersion?: number }>();

const create = authedAction(Passthrough, (ctx, input) => createTemplate({ ctx, input }));
export async function createTemplateAction(
  _prev: ActionState<SavedTemplateDto>,
  form: FormData,
): Promise<ActionState<SavedTemplateDto>> {
  const result = await create(fromForm(form));
  if (!result.ok) return result;
  revalidatePath("/admin/templates");
  redirect(`/admin/templates/${encodeURIComponent(result.data.key)}?saved=1`);
}

const update = authedAction(Passthrough, (ctx, input) =>
  updateTemplate({ ctx, input: { ...input, expectedVersion: input.expectedVersion ?? 0 } }),
);
export async function updateTemplateAction(
  _prev: ActionState<SavedTemplateDto & { changed: boolean }>,
  form: FormData,
): Promise<ActionState<SavedTemplateDto & { changed: boolean }>> {
  const result = await update({ ...fromForm(form), expectedVersion: Number(form.get("expectedVersion")) });
  if (result.ok) revalidatePath(`/admin/templates/${result.data.key}`);
  return result;
}

/** Previews the form's unsaved permissions on every cloud that has some; each cloud succeeds or fails alone. */
const preview = authedAction(Passthrough, async (ctx, input) => {
  const out: TemplatePreviews = {};
  for (const cloud of CLOUDS) {
    const permissions = permissionsOn(input.permissions, cloud);
    if (!permissions.length) continue;
    out[cloud] = await previewTemplate({ ctx, input: { cloud, permissions } }).catch((e: unknown) => {
      if (e instanceof AppError) return { error: e.message };
      throw e;
    });
  }
  return out;
});
export async function previewTemplateAction(_prev: ActionState<TemplatePreviews>, form: FormData) {
  return preview(fromForm(form));
}
