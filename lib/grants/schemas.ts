import { z } from "zod";
import { Cursor, Limit } from "../requests/schemas";
import { GRANT_STATUSES } from "./grant-state";

export const RevokeGrantInput = z.object({ grantId: z.uuid(), reason: z.string().trim().min(1).max(500) });
export type RevokeGrantInput = z.input<typeof RevokeGrantInput>;

export const GetGrantInput = z.object({ grantId: z.uuid() });
export type GetGrantInput = z.input<typeof GetGrantInput>;

export const ListGrantsInput = z.object({
  scope: z.enum(["mine", "all"]),
  status: z.enum([...GRANT_STATUSES, "live"]).optional(),
  limit: Limit,
  cursor: Cursor,
});
export type ListGrantsInput = z.input<typeof ListGrantsInput>;
