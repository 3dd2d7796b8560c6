"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { type ActionState, authedAction } from "@/lib/http/authed-action";
import {
  approvePolicyChange,
  type PolicyDetailDto,
  proposePolicyChange,
  rejectPolicyChange,
  type SimulationDto,
  simulatePolicy,
} from "@/lib/policies";

// Forms send strings; the verbs validate the real shapes and name the field on error.
const Form = z.custom<Record<string, unknown>>();

const propose = authedAction(Form, (ctx, f) =>
  proposePolicyChange({ ctx, input: { text: String(f.text ?? ""), comment: String(f.comment ?? "") } }),
);
export async function proposePolicyAction(
  _prev: ActionState<PolicyDetailDto>,
  form: FormData,
): Promise<ActionState<PolicyDetailDto>> {
  const result = await propose(form);
  if (result.ok) revalidatePath("/admin/policies");
  return result;
}

const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : v ? [String(v)] : []);
const simulate = authedAction(Form, (ctx, f) =>
  simulatePolicy({
    ctx,
    input: {
      text: String(f.text ?? ""),
      targetIds: list(f.targetIds),
      ...(f.templateKey
        ? { templateKey: String(f.templateKey) }
        : { risk: String(f.risk || "high") as "high" }),
      ...(f.requesterEmail ? { requesterEmail: String(f.requesterEmail) } : {}),
    },
  }),
);
export async function simulatePolicyAction(
  _prev: ActionState<SimulationDto>,
  form: FormData,
): Promise<ActionState<SimulationDto>> {
  return simulate(form);
}

const approve = authedAction(Form, (ctx, f) =>
  approvePolicyChange({
    ctx,
    input: { policyId: String(f.policyId ?? ""), comment: String(f.comment ?? "") },
  }),
);
const reject = authedAction(Form, (ctx, f) =>
  rejectPolicyChange({
    ctx,
    input: { policyId: String(f.policyId ?? ""), comment: String(f.comment ?? "") },
  }),
);
export async function decidePolicyAction(
  _prev: ActionState<PolicyDetailDto>,
  form: FormData,
): Promise<ActionState<PolicyDetailDto>> {
  const result = await (form.get("verdict") === "approve" ? approve(form) : reject(form));
  if (result.ok) revalidatePath("/admin/policies");
  return result;
}
