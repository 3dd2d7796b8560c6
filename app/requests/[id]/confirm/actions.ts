"use server";

import { redirect } from "next/navigation";
import { requireSessionCtx } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { decideRequest } from "@/lib/requests";

/**
 * The step-up confirmation's decision: the verb itself checks that this session's sign-in is recent enough
 * (lib/requests/step-up.ts), so a stale tab cannot approve; the page shows what happened.
 */
export async function confirmDecisionAction(form: FormData): Promise<void> {
  const ctx = await requireSessionCtx("requests.approve");
  const requestId = String(form.get("requestId") ?? "");
  const verdict = form.get("verdict") === "deny" ? "deny" : "approve";
  let outcome: string;
  try {
    await decideRequest({ ctx, input: { requestId, verdict, channel: "web" } });
    outcome = verdict === "approve" ? "approved" : "denied";
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    outcome = err.field === "step_up" ? "stale" : "refused";
  }
  redirect(`/requests/${encodeURIComponent(requestId)}/confirm?outcome=${outcome}`);
}
