"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { AdminFormState } from "@/components/admin/admin-action-form";
import { revokeGrant } from "@/lib/access";
import { setLocalRoles } from "@/lib/admin";
import { authedAction } from "@/lib/http/authed-action";
import { createApiToken, revokeApiToken } from "@/lib/tokens";

// Forms send strings; the verbs validate the real shapes and name the field on error.
const revoke = authedAction(z.object({ grantId: z.string(), reason: z.string().default("") }), (ctx, input) =>
  revokeGrant({ ctx, input }),
);
export async function revokeGrantAction(_prev: AdminFormState, form: FormData): Promise<AdminFormState> {
  const result = await revoke(form);
  if (result.ok) revalidatePath("/admin/grants");
  return result;
}

// An unchecked box sends nothing, so "no roles" arrives as a missing field.
const Roles = z.object({ userId: z.string(), roles: z.union([z.string(), z.array(z.string())]).default([]) });
const roles = authedAction(Roles, (ctx, input) =>
  setLocalRoles({ ctx, input: { userId: input.userId, roles: [input.roles].flat() as never[] } }),
);
export async function setLocalRolesAction(_prev: AdminFormState, form: FormData): Promise<AdminFormState> {
  const result = await roles(form);
  if (result.ok) revalidatePath("/admin/users");
  return result;
}

const CreateToken = z.object({ name: z.string().default(""), expiresInDays: z.string().default("") });
const create = authedAction(CreateToken, (ctx, input) =>
  createApiToken({
    ctx,
    input: { name: input.name, expiresInDays: input.expiresInDays ? Number(input.expiresInDays) : undefined },
  }),
);
export async function createTokenAction(_prev: AdminFormState, form: FormData): Promise<AdminFormState> {
  const result = await create(form);
  if (result.ok) revalidatePath("/admin/tokens");
  return result;
}

const revokeToken = authedAction(z.object({ tokenId: z.string() }), (ctx, input) =>
  revokeApiToken({ ctx, input }),
);
export async function revokeTokenAction(_prev: AdminFormState, form: FormData): Promise<AdminFormState> {
  const result = await revokeToken(form);
  if (result.ok) revalidatePath("/admin/tokens");
  return result;
}
