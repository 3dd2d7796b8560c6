import { and, eq, gt, isNull } from "drizzle-orm";
import type { AdapterSession, AdapterUser } from "next-auth/adapters";
import { sessions, users } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import type { Actor } from "@/lib/ctx";
import type { AdapterDeps } from "./adapter";
import { hashSessionToken } from "./session-token";

export const AUTH_ACTOR: Actor = { type: "system", job: "auth" };

type UserRow = typeof users.$inferSelect;
export const toAdapterUser = (u: UserRow): AdapterUser => ({
  id: u.id,
  email: u.email,
  emailVerified: u.emailVerified,
  name: u.name,
  image: u.image,
});

type SessionRow = typeof sessions.$inferSelect;

/** next-auth's view of a row: the caller's own token, never the stored hash. */
const toAdapterSession = (row: SessionRow, sessionToken: string): AdapterSession => ({
  sessionToken,
  userId: row.userId,
  expires: row.expires,
});

/**
 * The adapter's database-session half. Sign-in and sign-out are audited; a session of a disabled (or
 * expired) user resolves to nothing, and a disabled user cannot get a new one. Tokens are stored and looked
 * up hashed (session-token.ts); next-auth gets back the token it passed in, to set or keep its cookie.
 */
export function sessionMethods(deps: AdapterDeps) {
  return {
    async createSession(data: AdapterSession): Promise<AdapterSession> {
      const db = await deps.db();
      return db.transaction(async (tx) => {
        const [user] = await tx
          .select({ orgId: users.orgId })
          .from(users)
          .where(and(eq(users.id, data.userId), isNull(users.disabledAt)));
        if (!user) throw new Error("createSession: no such enabled user");
        const [session] = await tx
          .insert(sessions)
          .values({
            sessionTokenHash: hashSessionToken(data.sessionToken),
            userId: data.userId,
            expires: data.expires,
          })
          .returning();
        await appendAudit(
          tx,
          { actor: AUTH_ACTOR, orgId: user.orgId },
          {
            action: "session.created",
            subjectType: "user",
            subjectId: data.userId,
            data: { expires: data.expires.toISOString() },
          },
        );
        return toAdapterSession(session, data.sessionToken);
      });
    },

    async getSessionAndUser(sessionToken: string) {
      const db = await deps.db();
      const [row] = await db
        .select({ session: sessions, user: users })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(
          and(
            eq(sessions.sessionTokenHash, hashSessionToken(sessionToken)),
            gt(sessions.expires, new Date()),
            isNull(users.disabledAt),
          ),
        );
      return row
        ? { session: toAdapterSession(row.session, sessionToken), user: toAdapterUser(row.user) }
        : null;
    },

    async updateSession(data: Partial<AdapterSession> & Pick<AdapterSession, "sessionToken">) {
      const db = await deps.db();
      if (!data.expires) return null;
      const [session] = await db
        .update(sessions)
        .set({ expires: data.expires })
        .where(eq(sessions.sessionTokenHash, hashSessionToken(data.sessionToken)))
        .returning();
      return session ? toAdapterSession(session, data.sessionToken) : null;
    },

    async deleteSession(sessionToken: string): Promise<void> {
      const db = await deps.db();
      await db.transaction(async (tx) => {
        const [gone] = await tx
          .delete(sessions)
          .where(eq(sessions.sessionTokenHash, hashSessionToken(sessionToken)))
          .returning();
        if (!gone) return;
        const [user] = await tx.select({ orgId: users.orgId }).from(users).where(eq(users.id, gone.userId));
        if (!user) return;
        await appendAudit(
          tx,
          { actor: AUTH_ACTOR, orgId: user.orgId },
          { action: "session.ended", subjectType: "user", subjectId: gone.userId },
        );
      });
    },
  };
}
