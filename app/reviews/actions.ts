"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import {
  closeAccessReview,
  DecideReviewItemInput,
  decideReviewItem,
  ReviewIdInput,
  StartReviewInput,
  startAccessReview,
} from "@/lib/compliance/reviews";
import { type ActionState, authedAction } from "@/lib/http/authed-action";

type Started = Awaited<ReturnType<typeof startAccessReview>>;
type Decided = Awaited<ReturnType<typeof decideReviewItem>>;

const start = authedAction(StartReviewInput, (ctx, input) => startAccessReview({ ctx, input }));
const decide = authedAction(DecideReviewItemInput, (ctx, input) => decideReviewItem({ ctx, input }));
const close = authedAction(ReviewIdInput, (ctx, input) => closeAccessReview({ ctx, input }));

/** Open a campaign (admins), then show it. */
export async function startReviewAction(
  _prev: ActionState<Started>,
  form: FormData,
): Promise<ActionState<Started>> {
  const result = await start(form);
  if (!result.ok) return result;
  revalidatePath("/reviews");
  redirect(`/reviews/${result.data.id}`);
}

/** Confirm or remove one item. */
export async function decideItemAction(
  _prev: ActionState<Decided>,
  form: FormData,
): Promise<ActionState<Decided>> {
  const result = await decide(form);
  if (result.ok) revalidatePath(`/reviews/${result.data.reviewId}`);
  return result;
}

export async function closeReviewAction(
  _prev: ActionState<void>,
  form: FormData,
): Promise<ActionState<void>> {
  const result = await close(form);
  if (result.ok) revalidatePath(`/reviews/${String(form.get("reviewId"))}`);
  return result;
}
