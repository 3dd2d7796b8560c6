import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { NextAuthOptions } from "next-auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { accounts, auditEvents, groups, memberships, sessions, users } from "@/db/schema";
import { loadUserActor } from "@/lib/auth/actor";
import { authOptions } from "@/lib/auth/options";
import { hashSessionToken } from "@/lib/auth/session-token";
import { resetEnv } from "@/lib/env";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { CookieJar, callNextAuth } from "./next-auth-driver";
import { authorizeAtIdp, startTestIdp, type TestIdp } from "./oidc-idp";

const APP = "http://localhost:3000";
const REDIRECT_URI = `${APP}/api/auth/callback/oidc`;
const ENV_KEYS = [
  "OIDC_ISSUER",
  "OIDC_CLIENT_ID",
  "OIDC_CLIENT_SECRET",
  "OIDC_SCOPE",
  "NEXTAUTH_URL",
] as const;
const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));

let h: DbHandle;
let idp: TestIdp;

beforeAll(async () => {
  h = await openTestDb();
  idp = await startTestIdp(REDIRECT_URI);
  Object.assign(process.env, {
    OIDC_ISSUER: idp.issuer,
    OIDC_CLIENT_ID: idp.clientId,
    OIDC_CLIENT_SECRET: idp.clientSecret,
    OIDC_SCOPE: "openid email profile groups",
    NEXTAUTH_URL: APP,
  });
  resetEnv();
});

afterAll(async () => {
  for (const k of ENV_KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  resetEnv();
  await idp?.close();
  await h?.close();
});

// Subjects are unique across runs: a persistent Postgres may already hold this issuer (same port) and sub.
const uniqueLogin = (name: string) => `${name}-${randomUUID().slice(0, 8)}`;

async function orgOptions() {
  const org = await createTestOrg(h.db);
  const options = authOptions({ db: async () => h.db, orgSlug: () => org.org.slug });
  return { org, options };
}

/** The browser's whole journey: csrf → POST signin/oidc → IdP login + consent → callback → session. */
async function signIn(options: NextAuthOptions, login: string) {
  const jar = new CookieJar();
  const csrf = await callNextAuth(options, jar, { method: "GET", path: "csrf" });
  const { csrfToken } = csrf.body as { csrfToken: string };
  const start = await callNextAuth(options, jar, {
    method: "POST",
    path: "signin/oidc",
    body: { csrfToken, callbackUrl: `${APP}/` },
  });
  expect(start.location?.startsWith(`${idp.issuer}/auth?`)).toBe(true);
  const authorize = new URL(start.location!);
  const back = await authorizeAtIdp(authorize.href, login, REDIRECT_URI);
  const callback = await callNextAuth(options, jar, {
    method: "GET",
    path: "callback/oidc",
    query: Object.fromEntries(back.searchParams),
  });
  return { jar, authorize, callback };
}

async function groupNames(userId: string) {
  const rows = await h.db
    .select({ name: groups.name })
    .from(memberships)
    .innerJoin(groups, eq(groups.id, memberships.groupId))
    .where(eq(memberships.userId, userId));
  return rows.map((r) => r.name).sort();
}

describe("OIDC sign-in through next-auth's handler against a real oidc-provider", () => {
  it("discovers the IdP from OIDC_ISSUER and asks for code + PKCE (S256) + state with our client and scopes", async () => {
    const { options } = await orgOptions();
    const jar = new CookieJar();
    const csrf = await callNextAuth(options, jar, { method: "GET", path: "csrf" });
    const start = await callNextAuth(options, jar, {
      method: "POST",
      path: "signin/oidc",
      body: { csrfToken: (csrf.body as { csrfToken: string }).csrfToken, callbackUrl: `${APP}/` },
    });
    // The authorization endpoint is the one the IdP's discovery document names.
    const metadata = (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as {
      authorization_endpoint: string;
    };
    const url = new URL(start.location!);
    expect(`${url.origin}${url.pathname}`).toBe(metadata.authorization_endpoint);
    expect(url.searchParams.get("client_id")).toBe(idp.clientId);
    expect(url.searchParams.get("response_type")).toBe("code");
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("code_challenge")).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get("state")).toBeTruthy();
    expect(url.searchParams.get("scope")).toBe("openid email profile groups");
    expect(url.searchParams.get("redirect_uri")).toBe(REDIRECT_URI);
  });

  it("code flow with token exchange creates the user (subject iss|sub, requester), IdP groups, memberships and a database session", async () => {
    const { org, options } = await orgOptions();
    const alice = uniqueLogin("alice");
    idp.accounts.set(alice, { email: "Alice@Example.com", name: "Alice Ops", groups: ["approvers", "sre"] });

    const { jar, callback } = await signIn(options, alice);
    expect(callback.location).toBe(`${APP}/`);

    const [user] = await h.db
      .select()
      .from(users)
      .where(eq(users.subject, `${idp.issuer}|${alice}`));
    expect(user).toMatchObject({ orgId: org.org.id, email: "alice@example.com", name: "Alice Ops" });
    expect(user.localRoles).toEqual(["requester"]);
    const [account] = await h.db.select().from(accounts).where(eq(accounts.userId, user.id));
    expect(account).toMatchObject({ provider: "oidc", providerAccountId: alice });

    expect(await groupNames(user.id)).toEqual(["approvers", "sre"]);
    const [sre] = await h.db
      .select()
      .from(groups)
      .where(and(eq(groups.orgId, org.org.id), eq(groups.name, "sre")));
    expect(sre.source).toBe("idp");
    // "approvers" is the seeded group mapped to the approver role: the IdP claim grants it.
    expect((await loadUserActor(h.db, user.id))?.actor.roles.sort()).toEqual(["approver", "requester"]);

    const token = jar.values.get("next-auth.session-token");
    expect(token).toBeTruthy();
    // Stored hashed: the row holds sha256(cookie), never the cookie itself.
    const [session] = await h.db
      .select()
      .from(sessions)
      .where(eq(sessions.sessionTokenHash, hashSessionToken(token!)));
    expect(session.userId).toBe(user.id);
    expect(JSON.stringify(await h.db.select().from(sessions))).not.toContain(token!);
    const me = await callNextAuth(options, jar, { method: "GET", path: "session" });
    expect(me.body).toMatchObject({ user: { id: user.id, email: "alice@example.com", name: "Alice Ops" } });

    const actions = (
      await h.db
        .select({ action: auditEvents.action })
        .from(auditEvents)
        .where(eq(auditEvents.orgId, org.org.id))
    ).map((r) => r.action);
    expect(actions).toEqual(
      expect.arrayContaining(["user.created", "user.groups_synced", "session.created"]),
    );
  });

  it("a later sign-in re-syncs groups: gone groups are removed, new ones added, local groups kept", async () => {
    const { org, options } = await orgOptions();
    const bobLogin = uniqueLogin("bob");
    idp.accounts.set(bobLogin, { email: "bob@example.com", name: "Bob", groups: ["approvers", "sre"] });
    await signIn(options, bobLogin);
    const [bob] = await h.db
      .select()
      .from(users)
      .where(eq(users.subject, `${idp.issuer}|${bobLogin}`));
    const [local] = await h.db
      .insert(groups)
      .values({ orgId: org.org.id, name: "break-glass", source: "local" })
      .returning();
    await h.db.insert(memberships).values({ orgId: org.org.id, groupId: local.id, userId: bob.id });

    idp.accounts.set(bobLogin, {
      email: "bob@example.com",
      name: "Bob",
      groups: ["sre", "dba", "break-glass"],
    });
    const { callback } = await signIn(options, bobLogin);
    expect(callback.location).toBe(`${APP}/`);

    expect(await groupNames(bob.id)).toEqual(["break-glass", "dba", "sre"]);
    expect((await loadUserActor(h.db, bob.id))?.actor.roles).toEqual(["requester"]);
    const [synced] = await h.db
      .select({ data: auditEvents.data })
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, bob.id), eq(auditEvents.action, "user.groups_synced")))
      .orderBy(auditEvents.seq)
      .offset(1);
    expect(synced.data).toEqual({ added: ["dba"], removed: ["approvers"] });
  });

  it("a disabled user is refused at the callback (AccessDenied) and gets no session", async () => {
    const { options } = await orgOptions();
    const carolLogin = uniqueLogin("carol");
    idp.accounts.set(carolLogin, { email: "carol@example.com", name: "Carol", groups: [] });
    await signIn(options, carolLogin);
    const [carol] = await h.db
      .select()
      .from(users)
      .where(eq(users.subject, `${idp.issuer}|${carolLogin}`));
    await h.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, carol.id));
    const before = await h.db.select().from(sessions).where(eq(sessions.userId, carol.id));

    const { jar, callback } = await signIn(options, carolLogin);
    expect(callback.location).toBe(`${APP}/api/auth/error?error=AccessDenied`);
    expect(jar.values.has("next-auth.session-token")).toBe(false);
    expect(await h.db.select().from(sessions).where(eq(sessions.userId, carol.id))).toHaveLength(
      before.length,
    );
  });

  it("a wrong client secret fails the token exchange: no user, no session", async () => {
    const org = await createTestOrg(h.db);
    process.env.OIDC_CLIENT_SECRET = "not-the-secret";
    resetEnv();
    try {
      const options = authOptions({ db: async () => h.db, orgSlug: () => org.org.slug });
      const mallory = uniqueLogin("mallory");
      idp.accounts.set(mallory, { email: "mallory@example.com", name: "Mallory", groups: ["approvers"] });
      const { jar, callback } = await signIn(options, mallory);
      expect(callback.location).toBe(`${APP}/api/auth/error?error=OAuthCallback`);
      expect(jar.values.has("next-auth.session-token")).toBe(false);
      expect(
        await h.db
          .select()
          .from(users)
          .where(eq(users.subject, `${idp.issuer}|${mallory}`)),
      ).toHaveLength(0);
    } finally {
      process.env.OIDC_CLIENT_SECRET = idp.clientSecret;
      resetEnv();
    }
  });
});
