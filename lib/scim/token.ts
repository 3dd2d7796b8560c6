import { createHash, randomBytes } from "node:crypto";
import { and, eq, isNull, lt, or } from "drizzle-orm";
import type { Db } from "@/db/client";
import { scimTokens } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { assertPermission, type Ctx } from "@/lib/ctx";

/** `scim_` + 32 random bytes as base64url; distinct from API tokens (`elv_`), which act as a person. */
export const SCIM_TOKEN_PATTERN = /^scim_[A-Za-z0-9_-]{43}$/;
const TOUCH_EVERY_MS = 60_000;

const hash = (token: string) => createHash("sha256").update(token).digest("hex");

export type MintedScimToken = { token: string; id: string; prefix: string; revokedPrevious: number };

/**
 * Mints the organization's directory token: returned here once, stored as SHA-256 only. Any earlier
 * token of the org stops working in the same transaction (one live token per org; rotate by minting).
 */
export async function mintScimToken({ ctx }: { ctx: Ctx }): Promise<MintedScimToken> {
  assertPermission(ctx, "users.manage");
  const token = `scim_${randomBytes(32).toString("base64url")}`;
  const prefix = token.slice(0, 13);
  return ctx.db.transaction(async (tx) => {
    const revoked = await tx
      .update(scimTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(scimTokens.orgId, ctx.orgId), isNull(scimTokens.revokedAt)))
      .returning({ id: scimTokens.id });
    const [row] = await tx
      .insert(scimTokens)
      .values({ orgId: ctx.orgId, prefix, secretHash: hash(token) })
      .returning({ id: scimTokens.id });
    await appendAudit(tx, ctx, {
      action: "scim.token_created",
      subjectType: "scim_token",
      subjectId: row.id,
      data: { prefix, revokedTokenIds: revoked.map((r) => r.id) },
    });
    return { token, id: row.id, prefix, revokedPrevious: revoked.length };
  });
}

/** The organization a directory token belongs to, or null (unknown, malformed or revoked). */
export async function authenticateScimToken(
  db: Db,
  bearer: string,
  now: Date = new Date(),
): Promise<{ orgId: string; tokenId: string } | null> {
  if (!SCIM_TOKEN_PATTERN.test(bearer)) return null;
  const [row] = await db
    .select()
    .from(scimTokens)
    .where(eq(scimTokens.secretHash, hash(bearer)));
  if (!row || row.revokedAt) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= TOUCH_EVERY_MS) {
    const stale = new Date(now.getTime() - TOUCH_EVERY_MS);
    await db
      .update(scimTokens)
      .set({ lastUsedAt: now })
      .where(
        and(eq(scimTokens.id, row.id), or(isNull(scimTokens.lastUsedAt), lt(scimTokens.lastUsedAt, stale))),
      );
  }
  return { orgId: row.orgId, tokenId: row.id };
}
