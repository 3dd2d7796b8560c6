import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { auditEvents, sessions, users } from "@/db/schema";
import { loadUserActor } from "@/lib/auth/actor";
import { elevateAdapter } from "@/lib/auth/adapter";
import { disableUser } from "@/lib/auth/disable-user";
import type { Ctx } from "@/lib/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { recordingDriver } from "@/lib/workflows/port";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

const DAY = 24 * 3600 * 1000;
let n = 0;
const token = () => `test-session-${Date.now()}-${n++}`;

async function setup() {
  const org = await createTestOrg(h.db);
  const adapter = elevateAdapter({ db: async () => h.db, orgSlug: () => org.org.slug });
  const ctxFor = async (userId: string): Promise<Ctx> => {
    const loaded = await loadUserActor(h.db, userId);
    if (!loaded) throw new Error("no actor");
    return { actor: loaded.actor, orgId: loaded.orgId, db: h.db, workflows: recordingDriver() };
  };
  return { org, adapter, ctxFor };
}

describe("elevateAdapter sessions", () => {
  it("getSessionAndUser returns the session and its user for a live token, null for unknown or expired", async () => {
    const { org, adapter } = await setup();
    const user = org.users.requester;
    const live = await adapter.createSession({
      sessionToken: token(),
      userId: user.id,
      expires: new Date(Date.now() + DAY),
    });
    const found = await adapter.getSessionAndUser(live.sessionToken);
    expect(found?.user).toMatchObject({ id: user.id, email: user.email, name: "Riley Requester" });
    expect(found?.session.userId).toBe(user.id);

    expect(await adapter.getSessionAndUser("no-such-token")).toBeNull();
    const old = await adapter.createSession({
      sessionToken: token(),
      userId: user.id,
      expires: new Date(Date.now() - 1000),
    });
    expect(await adapter.getSessionAndUser(old.sessionToken)).toBeNull();
  });

  it("a disabled user's session resolves to nothing, and no new session can be created for them", async () => {
    const { org, adapter } = await setup();
    const user = org.users.approver;
    const s = await adapter.createSession({
      sessionToken: token(),
      userId: user.id,
      expires: new Date(Date.now() + DAY),
    });
    await h.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, user.id));
    expect(await adapter.getSessionAndUser(s.sessionToken)).toBeNull();
    await expect(
      adapter.createSession({ sessionToken: token(), userId: user.id, expires: new Date(Date.now() + DAY) }),
    ).rejects.toThrow(/no such enabled user/);
  });

  it("createSession and deleteSession are audited; deleting an unknown token changes nothing", async () => {
    const { org, adapter } = await setup();
    const user = org.users.auditor;
    const s = await adapter.createSession({
      sessionToken: token(),
      userId: user.id,
      expires: new Date(Date.now() + DAY),
    });
    await adapter.deleteSession(s.sessionToken);
    await adapter.deleteSession("no-such-token");
    expect(await adapter.getSessionAndUser(s.sessionToken)).toBeNull();
    const rows = await h.db
      .select({ action: auditEvents.action })
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, org.org.id), eq(auditEvents.subjectId, user.id)))
      .orderBy(auditEvents.seq);
    expect(rows.map((r) => r.action)).toEqual(["session.created", "session.ended"]);
  });

  it("getUserByEmail looks only in the configured org; getUser answers null for a non-uuid id", async () => {
    const { org, adapter } = await setup();
    const other = await createTestOrg(h.db);
    expect((await adapter.getUserByEmail(org.users.admin.email))?.id).toBe(org.users.admin.id);
    expect(await adapter.getUserByEmail(other.users.admin.email)).toBeNull();
    expect(await adapter.getUser("not-a-uuid")).toBeNull();
  });
});

describe("disableUser", () => {
  it("disables the user, deletes all their sessions and audits it in one transaction", async () => {
    const { org, adapter, ctxFor } = await setup();
    const target = org.users.requester;
    for (let i = 0; i < 2; i++) {
      await adapter.createSession({
        sessionToken: token(),
        userId: target.id,
        expires: new Date(Date.now() + DAY),
      });
    }
    const result = await disableUser({ ctx: await ctxFor(org.users.admin.id), input: { userId: target.id } });
    expect(result.sessionsEnded).toBe(2);
    expect(await h.db.select().from(sessions).where(eq(sessions.userId, target.id))).toHaveLength(0);
    expect(await loadUserActor(h.db, target.id)).toBeNull();
    const [audit] = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, target.id), eq(auditEvents.action, "user.disabled")));
    expect(audit).toMatchObject({
      actorType: "user",
      actorId: org.users.admin.id,
      data: { sessionsEnded: 2 },
    });

    const again = await disableUser({ ctx: await ctxFor(org.users.admin.id), input: { userId: target.id } });
    expect(again).toMatchObject({ id: target.id, sessionsEnded: 0, disabledAt: result.disabledAt });
  });

  it("needs users.manage: a requester is forbidden and nothing changes", async () => {
    const { org, ctxFor } = await setup();
    await expect(
      disableUser({ ctx: await ctxFor(org.users.requester.id), input: { userId: org.users.approver.id } }),
    ).rejects.toMatchObject({ code: "forbidden" });
    expect(await loadUserActor(h.db, org.users.approver.id)).not.toBeNull();
  });

  it("a user of another org answers not_found and stays enabled", async () => {
    const { org, ctxFor } = await setup();
    const other = await createTestOrg(h.db);
    await expect(
      disableUser({ ctx: await ctxFor(org.users.admin.id), input: { userId: other.users.requester.id } }),
    ).rejects.toMatchObject({ code: "not_found" });
    expect(await loadUserActor(h.db, other.users.requester.id)).not.toBeNull();
  });

  it("rejects a malformed id naming the field, and refuses to disable yourself", async () => {
    const { org, ctxFor } = await setup();
    const ctx = await ctxFor(org.users.admin.id);
    await expect(disableUser({ ctx, input: { userId: "nope" } })).rejects.toMatchObject({
      code: "validation",
      field: "userId",
    });
    await expect(disableUser({ ctx, input: { userId: org.users.admin.id } })).rejects.toMatchObject({
      code: "conflict",
    });
  });
});
