import { eq } from "drizzle-orm";
import type { NextAuthOptions } from "next-auth";
import { type Db, getDb } from "@/db/client";
import { users } from "@/db/schema";
import { env } from "@/lib/env";
import { logger } from "@/lib/log";
import { type AdapterDeps, elevateAdapter } from "./adapter";
import { SESSION_MAX_AGE_SECONDS, secureCookies } from "./cookies";
import { syncIdpGroups } from "./groups-sync";
import { type OidcClaims, profileFromClaims } from "./oidc-profile";
import { OIDC_PROVIDER_ID, oidcProvider } from "./oidc-provider";

/**
 * At each OIDC sign-in of a known person: refuse if disabled, then make their IdP groups match the claim
 * now (new people get theirs in createUser). Runs before the session exists and fails closed: an error
 * here aborts the sign-in rather than keeping stale groups.
 */
export async function onOidcSignIn(db: Db, claims: OidcClaims): Promise<boolean> {
  const e = env();
  const issuer = e.OIDC_ISSUER?.replace(/\/+$/, "") ?? "";
  const profile = profileFromClaims(claims, { issuer, groupsClaim: e.OIDC_GROUPS_CLAIM });
  const [known] = await db.select().from(users).where(eq(users.subject, profile.subject));
  if (!known) return true;
  if (known.disabledAt) return false;
  await db.transaction((tx) =>
    syncIdpGroups(tx, { orgId: known.orgId, userId: known.id, groups: profile.groups }),
  );
  return true;
}

/** next-auth configuration: OIDC when an issuer is configured, database sessions, our adapter. */
export function authOptions(deps: Partial<AdapterDeps> = {}): NextAuthOptions {
  const e = env();
  const db = deps.db ?? getDb;
  const oidc = oidcProvider(e);
  return {
    adapter: elevateAdapter({ db, orgSlug: deps.orgSlug ?? (() => env().ELEVATE_ORG_SLUG) }),
    providers: oidc ? [oidc] : [],
    secret: e.authSecret,
    session: { strategy: "database", maxAge: SESSION_MAX_AGE_SECONDS, updateAge: 24 * 60 * 60 },
    useSecureCookies: secureCookies(e),
    pages: { signIn: "/signin", error: "/signin" },
    callbacks: {
      async signIn({ account, profile }) {
        // Only our OIDC provider signs people in through next-auth; demo personas use /api/auth/demo.
        if (account?.provider !== OIDC_PROVIDER_ID || !profile) return false;
        return onOidcSignIn(await db(), profile as OidcClaims);
      },
      async session({ session, user }) {
        return { ...session, user: { id: user.id, name: user.name, email: user.email, image: user.image } };
      },
    },
    logger: {
      // Log codes and messages only: next-auth's metadata can carry tokens and profiles.
      error: (code, meta) =>
        logger.error(
          { code, err: meta instanceof Error ? meta.message : (meta?.error?.message ?? null) },
          "auth",
        ),
      warn: (code) => logger.warn({ code }, "auth"),
      debug: () => {},
    },
  };
}
