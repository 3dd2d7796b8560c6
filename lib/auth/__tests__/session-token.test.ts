import { createHash, randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { sessions } from "@/db/schema";
import { loadSessionActor } from "@/lib/auth/actor";
import { elevateAdapter } from "@/lib/auth/adapter";
import { demoSignIn } from "@/lib/auth/demo";
import { resetEnv } from "@/lib/env";
import { createTestOrg, openTestDb } from "@/lib/testing/db";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

const DAY = 24 * 3600 * 1000;
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
/** The shape next-auth gives its tokens (a UUID); the demo sign-in uses 32 random bytes in hex. */
const cookieToken = () => crypto.randomUUID();

async function rowsOf(userId: string) {
  return h.db.select().from(sessions).where(eq(sessions.userId, userId));
}

describe("session tokens are stored hashed", () => {
  it("createSession stores sha256(token), not the token, and returns the caller's token to next-auth", async () => {
    const org = await createTestOrg(h.db);
    const adapter = elevateAdapter({ db: async () => h.db, orgSlug: () => org.org.slug });
    const token = cookieToken();
    const expires = new Date(Date.now() + DAY);
    const created = await adapter.createSession({
      sessionToken: token,
      userId: org.users.requester.id,
      expires,
    });
    expect(created).toEqual({ sessionToken: token, userId: org.users.requester.id, expires });

    const rows = await rowsOf(org.users.requester.id);
    expect(rows).toHaveLength(1);
    expect(rows[0].sessionTokenHash).toBe(sha256(token));
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it("lookups, updates and sign-out work with the cookie's token; the stored hash signs nobody in", async () => {
    const org = await createTestOrg(h.db);
    const adapter = elevateAdapter({ db: async () => h.db, orgSlug: () => org.org.slug });
    const user = org.users.approver;
    const token = cookieToken();
    await adapter.createSession({
      sessionToken: token,
      userId: user.id,
      expires: new Date(Date.now() + DAY),
    });
    const [{ sessionTokenHash }] = await rowsOf(user.id);

    const found = await adapter.getSessionAndUser(token);
    expect(found?.user.id).toBe(user.id);
    expect(found?.session.sessionToken).toBe(token);
    expect((await loadSessionActor(h.db, token))?.actor).toMatchObject({ userId: user.id });

    // Someone holding a copy of the table (backup, logged query) has only the hash: useless as a cookie.
    expect(await adapter.getSessionAndUser(sessionTokenHash)).toBeNull();
    expect(await loadSessionActor(h.db, sessionTokenHash)).toBeNull();

    const later = new Date(Date.now() + 2 * DAY);
    const updated = await adapter.updateSession({ sessionToken: token, expires: later });
    expect(updated).toEqual({ sessionToken: token, userId: user.id, expires: later });
    expect((await rowsOf(user.id))[0].expires).toEqual(later);
    expect(await adapter.updateSession({ sessionToken: sessionTokenHash, expires: later })).toBeNull();

    await adapter.deleteSession(sessionTokenHash);
    expect(await rowsOf(user.id)).toHaveLength(1);
    await adapter.deleteSession(token);
    expect(await rowsOf(user.id)).toHaveLength(0);
    expect(await adapter.getSessionAndUser(token)).toBeNull();
  });

  it("the demo sign-in's cookie is not in the database either", async () => {
    const org = await createTestOrg(h.db);
    process.env.ELEVATE_DEMO = "1";
    process.env.ELEVATE_ORG_SLUG = org.org.slug;
    resetEnv();
    const res = await demoSignIn(
      new Request("http://localhost:3000/api/auth/demo", {
        method: "POST",
        headers: { host: "localhost:3000", origin: "http://localhost:3000" },
        body: new URLSearchParams({ persona: "auditor" }),
      }),
      { db: async () => h.db },
    );
    expect(res.status).toBe(303);
    const token = res.headers.get("set-cookie")!.split(";")[0].split("=")[1];
    const rows = await rowsOf(org.users.auditor.id);
    expect(rows.map((r) => r.sessionTokenHash)).toEqual([sha256(token)]);
    expect(JSON.stringify(rows)).not.toContain(token);
    expect((await loadSessionActor(h.db, token))?.actor).toMatchObject({ userId: org.users.auditor.id });
  });

  it("the database refuses a session row that is not a SHA-256 (a token written in clear by mistake)", async () => {
    const org = await createTestOrg(h.db);
    const insert = (value: string) =>
      h.db
        .insert(sessions)
        .values({ sessionTokenHash: value, userId: org.users.admin.id, expires: new Date(Date.now() + DAY) });
    await expect(insert(cookieToken())).rejects.toThrow();
    await expect(insert(sha256(cookieToken()).toUpperCase())).rejects.toThrow();
    await expect(insert(sha256(randomBytes(32).toString("hex")))).resolves.toBeDefined();
  });
});

const saved = { ELEVATE_DEMO: process.env.ELEVATE_DEMO, ELEVATE_ORG_SLUG: process.env.ELEVATE_ORG_SLUG };
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetEnv();
});
