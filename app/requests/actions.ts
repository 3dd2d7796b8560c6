"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { extendGrant, issueGrantKubeconfig, revokeGrant } from "@/lib/grants";
import { type ActionState, authedAction } from "@/lib/http/authed-action";
import { cancelRequest, decideRequest, type GrantDto, type RequestDto, submitRequest } from "@/lib/requests";
import { approveMany } from "@/lib/requests/approve-many";
import { splitPermissionLines } from "@/lib/requests/permission-lines";

// Forms send strings; the verbs validate the real shapes (and name the field on error).
const SubmitForm = z.object({
  targetId: z.string().default(""),
  // "template" or "permissions": which of the two the requester chose (the other field is ignored).
  mode: z.enum(["template", "permissions"]).default("template"),
  templateId: z.string().default(""),
  permissions: z.string().default(""),
  resource: z.string().optional(),
  resourceKind: z.string().optional(),
  durationMinutes: z.string().default(""),
  justification: z.string().default(""),
  ticketUrl: z.string().optional(),
  // Multi-target: the other targets ticked under the picker (one value or several).
  alsoTargetIds: z.union([z.string(), z.array(z.string())]).optional(),
  // The break-glass checkbox ("on" when ticked); the policy decides whether it is allowed.
  breakGlass: z.string().optional(),
});

const submit = authedAction(SubmitForm, async (ctx, form) => {
  const { mode, templateId, permissions, resourceKind, alsoTargetIds, breakGlass, ...rest } = form;
  const also = mode === "template" ? [alsoTargetIds ?? []].flat().filter((id) => id !== rest.targetId) : [];
  const targets = also.length > 0 ? { targetIds: [rest.targetId, ...also], targetId: undefined } : {};
  const minutes = rest.durationMinutes.trim() === "" ? Number.NaN : Number(rest.durationMinutes);
  const which =
    mode === "permissions"
      ? { permissions: splitPermissionLines(permissions), resourceKind: resourceKind || null }
      : { templateId: templateId || null };
  return submitRequest({
    ctx,
    input: { ...rest, ...targets, ...which, durationMinutes: minutes, breakGlass: breakGlass === "on" },
  });
});

export async function submitRequestAction(
  _prev: ActionState<RequestDto>,
  form: FormData,
): Promise<ActionState<RequestDto>> {
  const result = await submit(form);
  if (!result.ok) return result;
  revalidatePath("/");
  redirect(`/requests/${result.data.id}`);
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
export async function decideRequestAction(
  _prev: ActionState<RequestDto>,
  form: FormData,
): Promise<ActionState<RequestDto>> {
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
export async function cancelRequestAction(
  _prev: ActionState<RequestDto>,
  form: FormData,
): Promise<ActionState<RequestDto>> {
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
export async function giveBackAction(
  _prev: ActionState<GrantDto>,
  form: FormData,
): Promise<ActionState<GrantDto>> {
  const result = await giveBack(form);
  if (result.ok) revalidatePath(`/requests/${String(form.get("requestId"))}`);
  return result;
}

export async function giveBackGrantAction(input: { grantId: string }) {
  const result = await giveBack(input);
  if (result.ok) revalidatePath("/");
  return result;
}

// Minutes arrive as a string from the form; "" or junk becomes NaN so the verb names `minutes` in its error.
const extend = authedAction(
  z.object({
    grantId: z.string(),
    minutes: z.union([z.string(), z.number()]),
    reason: z.string().default(""),
    currentExpiresAt: z.string().optional(),
  }),
  (ctx, { minutes: raw, ...rest }) => {
    const text = typeof raw === "string" ? raw.trim() : raw;
    return extendGrant({ ctx, input: { ...rest, minutes: text === "" ? Number.NaN : Number(text) } });
  },
);
export async function extendGrantAction(input: {
  grantId: string;
  minutes: string | number;
  reason: string;
  currentExpiresAt?: string;
}) {
  const result = await extend(input);
  if (result.ok) revalidatePath("/");
  return result;
}

/** The caller's own kubeconfig for an active Kubernetes grant; the browser saves it, nothing keeps it. */
const kubeconfig = authedAction(z.object({ grantId: z.string() }), (ctx, input) =>
  issueGrantKubeconfig({ ctx, input }),
);
export async function kubeconfigAction(input: { grantId: string }) {
  return kubeconfig(input);
}
