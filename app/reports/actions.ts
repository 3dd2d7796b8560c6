"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import type { FormState } from "@/app/requests/actions";
import { authedAction } from "@/lib/http/authed-action";
import { ApplyRecommendationInput, applyRecommendation } from "@/lib/usage/rightsizing";

const apply = authedAction(ApplyRecommendationInput, (ctx, input) => applyRecommendation({ ctx, input }));

/** Apply one right-sizing recommendation, then show the template's new version. */
export async function applyRecommendationAction(_prev: FormState, form: FormData): Promise<FormState> {
  const result = await apply({
    id: String(form.get("id") ?? ""),
    windowDays: Number(form.get("windowDays")),
  });
  if (!result.ok) return result;
  revalidatePath("/reports/rightsizing");
  redirect(`/admin/templates/${encodeURIComponent(result.data.key)}?saved=1`);
}
