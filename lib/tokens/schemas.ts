import { z } from "zod";

export const MAX_TOKEN_DAYS = 365;
export const DEFAULT_TOKEN_DAYS = 90;

export const CreateTokenInput = z.object({
  name: z.string().trim().min(1, "give the token a name").max(100),
  expiresInDays: z.number().int().min(1).max(MAX_TOKEN_DAYS).optional(),
  /** Only jobs (the CLI) may mint a token for someone else; people mint their own. */
  userId: z.uuid().optional(),
});
export type CreateTokenInput = z.input<typeof CreateTokenInput>;

export const RevokeTokenInput = z.object({ tokenId: z.uuid() });
export type RevokeTokenInput = z.input<typeof RevokeTokenInput>;

export const ListTokensInput = z.object({ scope: z.enum(["mine", "all"]).default("mine") });
export type ListTokensInput = z.input<typeof ListTokensInput>;
