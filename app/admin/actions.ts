"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { APP_ROLE_LIST, type LocalRolesDto, setLocalRoles } from "@/lib/admin";
import { revokeGrant } from "@/lib/grants";
import { type ActionState, authedAction } from "@/lib/http/authed-action";
import type { GrantDto } from "@/lib/requests";
import { type ApiTokenDto, type CreatedTokenDto, createApiToken, revokeApiToken } from "@/lib/tokens";

// Forms send strings; the verbs validate the real shapes and name the field on error.
const revoke = authedAction(z.object({ grantId: z.string(), reason: z.string().default("") }), (ctx, input) =>
  revokeGrant({ ctx, input }),
);
export async function revokeGrantAction(
  _prev: ActionState<GrantDto>,
  form: FormData,
): Promise<ActionState<GrantDto>> {
  const result = await revoke(form);
  if (result.ok) revalidatePath("/admin/grants");
  return result;
}

// An unchecked box sends nothing, so "no roles" arrives as a missing field.
const Role = z.enum(APP_ROLE_LIST);
const Roles = z.object({ userId: z.string(), roles: z.union([Role, z.array(Role)]).default([]) });
const roles = authedAction(Roles, (ctx, input) =>
  setLocalRoles({ ctx, input: { userId: input.userId, roles: [input.roles].flat() } }),
);
export async function setLocalRolesAction(
  _prev: ActionState<LocalRolesDto>,
  form: FormData,
): Promise<ActionState<LocalRolesDto>> {
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
export async function createTokenAction(
  _prev: ActionState<CreatedTokenDto>,
  form: FormData,
): Promise<ActionState<CreatedTokenDto>> {
  const result = await create(form);
  if (result.ok) revalidatePath("/admin/tokens");
  return result;
}

const revokeToken = authedAction(z.object({ tokenId: z.string() }), (ctx, input) =>
  revokeApiToken({ ctx, input }),
);
export async function revokeTokenAction(
  _prev: ActionState<ApiTokenDto>,
  form: FormData,
): Promise<ActionState<ApiTokenDto>> {
  const result = await revokeToken(form);
  if (result.ok) revalidatePath("/admin/tokens");
  return result;
}
