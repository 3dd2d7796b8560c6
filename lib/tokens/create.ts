import { and, eq, isNull } from "drizzle-orm";
import { apiTokens, users } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { assertPermission, type Ctx } from "@/lib/ctx";
import { Forbidden, NotFound, parseInput, Validation } from "@/lib/errors";
import { enforceRateLimits, RATE_LIMITS } from "@/lib/ratelimit/limits";
import { CreateTokenInput, DEFAULT_TOKEN_DAYS } from "./schemas";
import { generateToken } from "./secret";

const DAY_MS = 86_400_000;

/**
 * Mints an API token that acts as its user. The secret is returned here once and stored only as SHA-256.
 * People mint tokens for themselves; only a job (the CLI) may mint one for another user.
 */
/** The one answer that carries the token's secret. */
export type CreatedTokenDto = { token: string; id: string; prefix: string; name: string; expiresAt: string };

export async function createApiToken({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: CreateTokenInput;
}): Promise<CreatedTokenDto> {
  assertPermission(ctx, "tokens.manage");
  const { name, expiresInDays, userId } = parseInput(CreateTokenInput, input);
  const actor = ctx.actor;
  // A leaked token must not be able to make itself permanent by minting fresh ones.
  if (actor.type === "token") throw Forbidden("API tokens cannot create API tokens");
  if (actor.type !== "system" && userId && userId !== actor.userId) {
    throw Forbidden("You can create tokens only for yourself");
  }
  const ownerId = actor.type === "system" ? userId : actor.userId;
  if (!ownerId) throw Validation("userId", "required when a job creates a token");
  // People are limited per user; a job (the CLI) is the operator and is not.
  if (actor.type !== "system") {
    await enforceRateLimits(ctx.db, [RATE_LIMITS.tokenCreatePerUser(actor.userId)]);
  }

  const { token, prefix, secretHash } = generateToken();
  const expiresAt = new Date(Date.now() + (expiresInDays ?? DEFAULT_TOKEN_DAYS) * DAY_MS);
  return ctx.db.transaction(async (tx) => {
    const [owner] = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.id, ownerId), eq(users.orgId, ctx.orgId), isNull(users.disabledAt)));
    if (!owner) throw NotFound("User");
    const [row] = await tx
      .insert(apiTokens)
      .values({ orgId: ctx.orgId, userId: owner.id, name, prefix, secretHash, expiresAt })
      .returning({ id: apiTokens.id });
    await appendAudit(tx, ctx, {
      action: "token.created",
      subjectType: "api_token",
      subjectId: row.id,
      data: { name, prefix, userId: owner.id, expiresAt: expiresAt.toISOString() },
    });
    return { token, id: row.id, prefix, name, expiresAt: expiresAt.toISOString() };
  });
}
