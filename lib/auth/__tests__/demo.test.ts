import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { POST } from "@/app/api/auth/demo/route";
import type { DbHandle } from "@/db/client";
import { sessions, users } from "@/db/schema";
import { elevateAdapter } from "@/lib/auth/adapter";
import { demoSignIn } from "@/lib/auth/demo";
import { resetEnv } from "@/lib/env";
import { createTestOrg, openTestDb } from "@/lib/testing/db";

const ENV_KEYS = ["ELEVATE_DEMO", "ELEVATE_ORG_SLUG", "NEXTAUTH_URL"] as const;
const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterEach(() => {
  for (const k of ENV_KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  resetEnv();
});
afterAll(async () => h?.close());

function setEnv(vars: Partial<Record<(typeof ENV_KEYS)[number], string>>) {
  Object.assign(process.env, vars);
  resetEnv();
}

function demoPost(persona: string, headers: Record<string, string> = { origin: "http://localhost:3000" }) {
  return new Request("http://localhost:3000/api/auth/demo", {
    method: "POST",
    headers: { host: "localhost:3000", "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams({ persona }),
  });
}

const db = async () => h.db;

describe("POST /api/auth/demo", () => {
  it("answers 404 when demo mode is off, even for a well-formed same-origin post", async () => {
    setEnv({ ELEVATE_DEMO: "0" });
    const res = await POST(demoPost("admin"));
    expect(res.status).toBe(404);
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  it("refuses a cross-origin post, and a post without Origin, with 403 and no cookie", async () => {
    setEnv({ ELEVATE_DEMO: "1" });
    const cases: Record<string, string>[] = [{ origin: "https://evil.example" }, {}, { origin: "null" }];
    for (const headers of cases) {
      const res = await POST(demoPost("admin", headers));
      expect(res.status).toBe(403);
      expect(res.headers.get("set-cookie")).toBeNull();
    }
  });

  it("signs in as the persona: a 30-day database session, next-auth's cookie (HttpOnly, Lax), 303 to /", async () => {
    const org = await createTestOrg(h.db);
    setEnv({ ELEVATE_DEMO: "1", ELEVATE_ORG_SLUG: org.org.slug, NEXTAUTH_URL: "http://localhost:3000" });
    const res = await demoSignIn(demoPost("approver"), { db });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/");
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(
      /^next-auth\.session-token=[0-9a-f]{64}; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/,
    );
    const sessionToken = cookie.split(";")[0].split("=")[1];

    const found = await elevateAdapter({ db, orgSlug: () => org.org.slug }).getSessionAndUser(sessionToken);
    expect(found?.user.id).toBe(org.users.approver.id);
    const days = (found!.session.expires.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
  });

  it("uses the __Secure- cookie, marked Secure, when NEXTAUTH_URL is https", async () => {
    const org = await createTestOrg(h.db);
    setEnv({ ELEVATE_DEMO: "1", ELEVATE_ORG_SLUG: org.org.slug, NEXTAUTH_URL: "https://elevate.example" });
    const res = await demoSignIn(
      demoPost("auditor", { origin: "https://elevate.example", host: "elevate.example" }),
      {
        db,
      },
    );
    expect(res.status).toBe(303);
    expect(res.headers.get("set-cookie")).toMatch(/^__Secure-next-auth\.session-token=.*; Secure$/);
  });

  it("seeds the org and its personas on first use of a fresh slug", async () => {
    const slug = `demo-${Date.now().toString(36)}`;
    setEnv({ ELEVATE_DEMO: "1", ELEVATE_ORG_SLUG: slug });
    const res = await demoSignIn(demoPost("requester"), { db });
    expect(res.status).toBe(303);
    const [riley] = await h.db
      .select()
      .from(users)
      .where(eq(users.subject, `demo|${slug}|requester`));
    expect(riley.name).toBe("Riley Requester");
    expect(await h.db.select().from(sessions).where(eq(sessions.userId, riley.id))).toHaveLength(1);
  });

  it("rejects an unknown persona with 400 naming the field, and a disabled persona with 403", async () => {
    const org = await createTestOrg(h.db);
    setEnv({ ELEVATE_DEMO: "1", ELEVATE_ORG_SLUG: org.org.slug });
    const bad = await demoSignIn(demoPost("root"), { db });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "validation", field: "persona" } });

    await h.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, org.users.admin.id));
    const disabled = await demoSignIn(demoPost("admin"), { db });
    expect(disabled.status).toBe(403);
    expect(await h.db.select().from(sessions).where(eq(sessions.userId, org.users.admin.id))).toHaveLength(0);
  });
});
