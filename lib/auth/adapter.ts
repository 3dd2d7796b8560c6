import { and, eq, like, not, sql } from "drizzle-orm";
import type { Adapter, AdapterAccount, AdapterUser } from "next-auth/adapters";
import type { Db } from "@/db/client";
import { accounts, organizations, users } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { AUTH_ACTOR, sessionMethods, toAdapterUser } from "./adapter-sessions";
import { syncIdpGroups } from "./groups-sync";
import type { ElevateProfile } from "./oidc-profile";
import { ensureOrg } from "./org";

export type AdapterDeps = {
  /** Resolved per call, so building auth options never opens the database. */
  db: () => Promise<Db>;
  /** The org that sign-ins land in (env().ELEVATE_ORG_SLUG). */
  orgSlug: () => string;
};

/** What next-auth passes createUser for our OIDC provider: the profile() output, minus id. */
export type NewUser = Omit<AdapterUser, "id"> & Partial<Pick<ElevateProfile, "subject" | "groups">>;

// An id that is not a uuid can never exist; answering null avoids a Postgres cast error.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * next-auth v4 adapter over our tables, for database sessions. A disabled user has no session (lookups
 * filter on disabled_at), so disabling someone signs them out everywhere at once.
 */
export function elevateAdapter(deps: AdapterDeps) {
  const adapter = {
    async createUser(data: NewUser): Promise<AdapterUser> {
      if (!data.subject) throw new Error("createUser needs the IdP subject (issuer|sub)");
      const subject = data.subject;
      const db = await deps.db();
      return db.transaction(async (tx) => {
        const orgId = await ensureOrg(tx, deps.orgSlug());
        const adopted = await linkProvisioned(tx, orgId, data.email, subject);
        if (adopted) {
          await syncIdpGroups(tx, { orgId, userId: adopted.id, groups: data.groups ?? [] });
          return toAdapterUser(adopted);
        }
        const [user] = await tx
          .insert(users)
          .values({
            orgId,
            email: data.email.toLowerCase(),
            name: data.name ?? null,
            image: data.image ?? null,
            emailVerified: data.emailVerified,
            subject,
            localRoles: ["requester"],
          })
          .returning();
        await appendAudit(
          tx,
          { actor: AUTH_ACTOR, orgId },
          {
            action: "user.created",
            subjectType: "user",
            subjectId: user.id,
            data: { subject, email: user.email },
          },
        );
        await syncIdpGroups(tx, { orgId, userId: user.id, groups: data.groups ?? [] });
        return toAdapterUser(user);
      });
    },

    async getUser(id: string): Promise<AdapterUser | null> {
      if (!UUID.test(id)) return null;
      const db = await deps.db();
      const [user] = await db.select().from(users).where(eq(users.id, id));
      return user ? toAdapterUser(user) : null;
    },

    async getUserByEmail(email: string): Promise<AdapterUser | null> {
      const db = await deps.db();
      const [row] = await db
        .select({ user: users })
        .from(users)
        .innerJoin(organizations, eq(organizations.id, users.orgId))
        .where(
          and(
            eq(organizations.slug, deps.orgSlug()),
            eq(users.email, email.toLowerCase()),
            // Provisioned by the directory and never signed in: createUser links it (linkProvisioned).
            not(like(users.subject, `${SCIM_SUBJECT_PREFIX}%`)),
          ),
        );
      return row ? toAdapterUser(row.user) : null;
    },

    async getUserByAccount(key: Pick<AdapterAccount, "provider" | "providerAccountId">) {
      const db = await deps.db();
      const [row] = await db
        .select({ user: users })
        .from(accounts)
        .innerJoin(users, eq(users.id, accounts.userId))
        .where(
          and(eq(accounts.provider, key.provider), eq(accounts.providerAccountId, key.providerAccountId)),
        );
      return row ? toAdapterUser(row.user) : null;
    },

    async updateUser(data: Partial<AdapterUser> & Pick<AdapterUser, "id">): Promise<AdapterUser> {
      const db = await deps.db();
      const patch: Partial<typeof users.$inferInsert> = {};
      if (data.name !== undefined) patch.name = data.name;
      if (data.image !== undefined) patch.image = data.image;
      if (data.emailVerified !== undefined) patch.emailVerified = data.emailVerified;
      const [user] = Object.keys(patch).length
        ? await db.update(users).set(patch).where(eq(users.id, data.id)).returning()
        : await db.select().from(users).where(eq(users.id, data.id));
      if (!user) throw new Error("updateUser: no such user");
      return toAdapterUser(user);
    },

    async linkAccount(account: AdapterAccount): Promise<void> {
      const db = await deps.db();
      await db.insert(accounts).values({
        userId: account.userId,
        type: account.type,
        provider: account.provider,
        providerAccountId: account.providerAccountId,
        refresh_token: account.refresh_token ?? null,
        access_token: account.access_token ?? null,
        expires_at: account.expires_at ?? null,
        token_type: account.token_type ?? null,
        scope: account.scope ?? null,
        id_token: account.id_token ?? null,
        session_state: typeof account.session_state === "string" ? account.session_state : null,
      });
    },

    async unlinkAccount(key: Pick<AdapterAccount, "provider" | "providerAccountId">): Promise<void> {
      const db = await deps.db();
      await db
        .delete(accounts)
        .where(
          and(eq(accounts.provider, key.provider), eq(accounts.providerAccountId, key.providerAccountId)),
        );
    },

    ...sessionMethods(deps),
  };
  return adapter satisfies Adapter;
}

/** users.subject of people the directory provisioned (lib/scim) before their first sign-in. */
export const SCIM_SUBJECT_PREFIX = "scim|";

/**
 * A person's first sign-in after the directory provisioned them over SCIM: the account with their email
 * that carries a provisional `scim|…` subject takes the IdP's stable subject (the same directory vouches
 * for both), instead of next-auth refusing the email as "already in use". Audited.
 */
async function linkProvisioned(tx: Db, orgId: string, email: string, subject: string) {
  const [user] = await tx
    .update(users)
    .set({ subject })
    .where(
      and(
        eq(users.orgId, orgId),
        eq(sql`lower(${users.email})`, email.toLowerCase()),
        like(users.subject, `${SCIM_SUBJECT_PREFIX}%`),
      ),
    )
    .returning();
  if (!user) return null;
  await appendAudit(
    tx,
    { actor: AUTH_ACTOR, orgId },
    { action: "user.linked", subjectType: "user", subjectId: user.id, data: { subject, email: user.email } },
  );
  return user;
}
