"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { type ActionState, authedAction } from "@/lib/http/authed-action";
import { connectTarget, testTargetConnection, updateTarget } from "@/lib/targets";
import type { ConnectionCheckDto, TargetDetailDto } from "@/lib/targets/dto";
import { connectInputFromForm } from "@/lib/targets/form";

// Forms send strings; the verb validates the real shapes and names the field on error.
const ConnectForm = z.record(z.string(), z.string());
const connect = authedAction(ConnectForm, (ctx, fields) =>
  connectTarget({ ctx, input: connectInputFromForm(fields) }),
);
export async function connectTargetAction(
  _prev: ActionState<TargetDetailDto>,
  form: FormData,
): Promise<ActionState<TargetDetailDto>> {
  const result = await connect(form);
  if (result.ok) revalidatePath("/admin/targets");
  return result;
}

const test = authedAction(z.object({ targetId: z.string() }), (ctx, input) =>
  testTargetConnection({ ctx, input }),
);
export async function testConnectionAction(
  _prev: ActionState<ConnectionCheckDto>,
  form: FormData,
): Promise<ActionState<ConnectionCheckDto>> {
  const result = await test(form);
  if (result.ok) revalidatePath("/admin/targets");
  return result;
}

// An empty choice clears the owners; the verb checks the rest.
const owner = authedAction(z.object({ targetId: z.string(), ownerGroup: z.string() }), (ctx, input) =>
  updateTarget({ ctx, input: { targetId: input.targetId, ownerGroup: input.ownerGroup.trim() || null } }),
);
export async function setTargetOwnerAction(
  _prev: ActionState<TargetDetailDto>,
  form: FormData,
): Promise<ActionState<TargetDetailDto>> {
  const result = await owner(form);
  if (result.ok) revalidatePath("/admin/targets");
  return result;
}

// Tags arrive comma-separated; empty fields clear. The verb validates each value and names the field.
const policyFields = authedAction(
  z.object({
    targetId: z.string(),
    tags: z.string().default(""),
    environment: z.string().default(""),
    oncallServiceId: z.string().default(""),
  }),
  (ctx, input) =>
    updateTarget({
      ctx,
      input: {
        targetId: input.targetId,
        tags: input.tags
          .split(",")
          .map((t) => t.trim())
          .filter((t) => t !== ""),
        environment: input.environment.trim() || null,
        oncallServiceId: input.oncallServiceId.trim() || null,
      },
    }),
);
export async function setTargetPolicyAction(
  _prev: ActionState<TargetDetailDto>,
  form: FormData,
): Promise<ActionState<TargetDetailDto>> {
  const result = await policyFields(form);
  if (result.ok) revalidatePath("/admin/targets");
  return result;
}
