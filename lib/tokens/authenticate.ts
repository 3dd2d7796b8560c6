import { and, eq, isNull, lt, or } from "drizzle-orm";
import type { Db } from "@/db/client";
import { apiTokens } from "@/db/schema";
import { loadUserActor, type UserActor } from "@/lib/auth/actor";
import { hashToken, TOKEN_PATTERN } from "./secret";

const TOUCH_EVERY_MS = 60_000;

/**
 * Resolves a bearer token to its user, acting as type "token". Revoked or expired tokens and disabled
 * users answer null. Looked up by hash, so no secret comparison happens here and nothing is logged.
 */
export async function authenticateToken(
  db: Db,
  bearer: string,
  now: Date = new Date(),
): Promise<{ actor: UserActor; orgId: string } | null> {
  if (!TOKEN_PATTERN.test(bearer)) return null;
  const [row] = await db
    .select()
    .from(apiTokens)
    .where(eq(apiTokens.secretHash, hashToken(bearer)));
  if (!row || row.revokedAt) return null;
  if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) return null;
  const loaded = await loadUserActor(db, row.userId, "token");
  if (!loaded || loaded.orgId !== row.orgId) return null;

  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= TOUCH_EVERY_MS) {
    // Guarded so concurrent calls write at most once a minute.
    const stale = new Date(now.getTime() - TOUCH_EVERY_MS);
    await db
      .update(apiTokens)
      .set({ lastUsedAt: now })
      .where(
        and(eq(apiTokens.id, row.id), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, stale))),
      );
  }
  return { actor: { ...loaded.actor, tokenId: row.id }, orgId: row.orgId };
}
