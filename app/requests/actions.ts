"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { cancelRequest, decideRequest, revokeGrant, submitRequest } from "@/lib/access";
import { approveMany } from "@/lib/access/approve-many";
import { type ActionResult, authedAction } from "@/lib/http/authed-action";

// Forms send strings; the verbs validate the real shapes (and name the field on error).
const SubmitForm = z.object({
  targetId: z.string().default(""),
  templateId: z.string().default(""),
  resource: z.string().optional(),
  durationMinutes: z.string().default(""),
  justification: z.string().default(""),
  ticketUrl: z.string().optional(),
});

const submit = authedAction(SubmitForm, async (ctx, form) => {
  const minutes = form.durationMinutes.trim() === "" ? Number.NaN : Number(form.durationMinutes);
  return submitRequest({ ctx, input: { ...form, durationMinutes: minutes } });
});

export type FormState = ActionResult<unknown> | null;

export async function submitRequestAction(_prev: FormState, form: FormData): Promise<FormState> {
  const result = await submit(form);
  if (!result.ok) return result;
  const { id } = result.data as { id: string };
  revalidatePath("/");
  redirect(`/requests/${id}`);
}

const Decide = z.object({
  requestId: z.string(),
  verdict: z.enum(["approve", "deny"]),
  comment: z.string().optional(),
});
const decide = authedAction(Decide, (ctx, input) =>
  decideRequest({ ctx, input: { ...input, comment: input.comment || undefined, channel: "web" } }),
);

/** Form flavour (useActionState); decideAction below is the same for client code that wants a result. */
export async function decideRequestAction(_prev: FormState, form: FormData): Promise<FormState> {
  const result = await decide(form);
  if (result.ok) revalidatePath("/inbox");
  return result;
}

export async function decideAction(input: z.input<typeof Decide>) {
  const result = await decide(input);
  if (result.ok) revalidatePath("/inbox");
  return result;
}

const bulk = authedAction(
  z.object({ requestIds: z.array(z.string()), comment: z.string().optional() }),
  (ctx, input) => approveMany({ ctx, input: { ...input, comment: input.comment || undefined } }),
);
export async function approveManyAction(input: { requestIds: string[]; comment?: string }) {
  const result = await bulk(input);
  if (result.ok) revalidatePath("/inbox");
  return result;
}

const cancel = authedAction(z.object({ requestId: z.string() }), (ctx, input) =>
  cancelRequest({ ctx, input }),
);
export async function cancelRequestAction(_prev: FormState, form: FormData): Promise<FormState> {
  const result = await cancel(form);
  if (result.ok) revalidatePath(`/requests/${String(form.get("requestId"))}`);
  return result;
}

export async function cancelAction(input: { requestId: string }) {
  const result = await cancel(input);
  if (result.ok) revalidatePath("/");
  return result;
}

const giveBack = authedAction(z.object({ grantId: z.string() }), (ctx, input) =>
  revokeGrant({ ctx, input: { grantId: input.grantId, reason: "given back early" } }),
);
export async function giveBackAction(_prev: FormState, form: FormData): Promise<FormState> {
  const result = await giveBack(form);
  if (result.ok) revalidatePath(`/requests/${String(form.get("requestId"))}`);
  return result;
}

export async function giveBackGrantAction(input: { grantId: string }) {
  const result = await giveBack(input);
  if (result.ok) revalidatePath("/");
  return result;
}
