"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { type ActionState, authedAction } from "@/lib/http/authed-action";
import { refreshReportRollups } from "@/lib/usage/reports";
import { ApplyRecommendationInput, applyRecommendation } from "@/lib/usage/rightsizing";

type Applied = Awaited<ReturnType<typeof applyRecommendation>>;
type Refreshed = Awaited<ReturnType<typeof refreshReportRollups>>;

const apply = authedAction(ApplyRecommendationInput, (ctx, input) => applyRecommendation({ ctx, input }));

/** Apply one right-sizing recommendation, then show the template's new version. */
export async function applyRecommendationAction(
  _prev: ActionState<Applied>,
  form: FormData,
): Promise<ActionState<Applied>> {
  const result = await apply({
    id: String(form.get("id") ?? ""),
    windowDays: Number(form.get("windowDays")),
  });
  if (!result.ok) return result;
  revalidatePath("/reports/rightsizing");
  redirect(`/admin/templates/${encodeURIComponent(result.data.key)}?saved=1`);
}

const refresh = authedAction(z.object({}), (ctx) => refreshReportRollups({ ctx }));

/** Recompute the recent days' roll-ups now (the periodic job does the same). */
export async function refreshRollupsAction(
  _prev: ActionState<Refreshed>,
  _form: FormData,
): Promise<ActionState<Refreshed>> {
  const result = await refresh({});
  if (result.ok) revalidatePath("/reports/usage");
  return result;
}
