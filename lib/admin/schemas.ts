import { z } from "zod";
import { APP_ROLES } from "@/db/schema/enums";

const ROLES = APP_ROLES;
// Forms send "" for an untouched filter; treat it as absent.
const optionalId = z.preprocess((v) => (v === "" ? undefined : v), z.uuid().optional());
const Limit = z.coerce.number().int().min(1).max(200).default(50);

export const ListActiveGrantsInput = z.object({
  targetId: optionalId,
  userId: optionalId,
  /** A person by email (any case), for filters people type: an org has too many to pick from a list. */
  userEmail: z.preprocess(
    (v) => (typeof v === "string" ? v.trim() || undefined : v),
    z.string().max(320).optional(),
  ),
  templateId: optionalId,
  limit: Limit,
  cursor: z.string().max(200).optional(),
});
export type ListActiveGrantsInput = z.input<typeof ListActiveGrantsInput>;

export const ListUsersInput = z.object({
  query: z.string().trim().max(200).optional(),
  limit: Limit,
});
export type ListUsersInput = z.input<typeof ListUsersInput>;

export const SetLocalRolesInput = z.object({
  userId: z.uuid(),
  roles: z.array(z.enum(ROLES)).max(ROLES.length),
});
export type SetLocalRolesInput = z.input<typeof SetLocalRolesInput>;

export { ROLES as APP_ROLE_LIST };
