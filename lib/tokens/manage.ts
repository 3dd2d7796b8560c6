import { and, desc, eq, isNull } from "drizzle-orm";
import { apiTokens } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { assertPermission, type Ctx, hasPermission } from "@/lib/ctx";
import { NotFound, parseInput } from "@/lib/errors";
import { type ApiTokenDto, toApiTokenDto } from "./dto";
import { ListTokensInput, RevokeTokenInput } from "./schemas";

/** Admins (users.manage) may act on any token in the org; everyone else only on their own. */
function ownsOrAdmin(ctx: Ctx, userId: string): boolean {
  if (ctx.actor.type === "system" || hasPermission(ctx, "users.manage")) return true;
  return ctx.actor.userId === userId;
}

export async function listApiTokens({ ctx, input = {} }: { ctx: Ctx; input?: ListTokensInput }) {
  assertPermission(ctx, "tokens.manage");
  const { scope } = parseInput(ListTokensInput, input);
  const all = scope === "all";
  if (all) assertPermission(ctx, "users.manage");
  const mine = ctx.actor.type === "system" ? undefined : eq(apiTokens.userId, ctx.actor.userId);
  const rows = await ctx.db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.orgId, ctx.orgId), all ? undefined : mine))
    .orderBy(desc(apiTokens.createdAt));
  return rows.map(toApiTokenDto);
}

/** Revoking twice is fine: the second call finds it already revoked and returns it unchanged. */
export async function revokeApiToken({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: RevokeTokenInput;
}): Promise<ApiTokenDto> {
  assertPermission(ctx, "tokens.manage");
  const { tokenId } = parseInput(RevokeTokenInput, input);
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(apiTokens)
      .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.orgId, ctx.orgId)));
    // Someone else's token answers like a missing one, so ids reveal nothing.
    if (!row || !ownsOrAdmin(ctx, row.userId)) throw NotFound("API token");
    const [updated] = await tx
      .update(apiTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.orgId, ctx.orgId), isNull(apiTokens.revokedAt)))
      .returning();
    if (!updated) {
      const [current] = await tx.select().from(apiTokens).where(eq(apiTokens.id, tokenId));
      return toApiTokenDto(current);
    }
    await appendAudit(tx, ctx, {
      action: "token.revoked",
      subjectType: "api_token",
      subjectId: tokenId,
      data: { prefix: row.prefix, userId: row.userId },
    });
    return toApiTokenDto(updated);
  });
}
