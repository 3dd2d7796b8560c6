import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { memberships, sessions, users } from "@/db/schema";
import { loadSessionActor, loadUserActor } from "@/lib/auth/actor";
import { hashSessionToken } from "@/lib/auth/session-token";
import { createTestOrg, openTestDb } from "@/lib/testing/db";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

let n = 0;
const HOUR = 3600 * 1000;
async function session(userId: string, expiresInMs: number) {
  const sessionToken = `session-actor-${Date.now()}-${n++}`;
  await h.db.insert(sessions).values({
    sessionTokenHash: hashSessionToken(sessionToken),
    userId,
    expires: new Date(Date.now() + expiresInMs),
  });
  return sessionToken;
}

describe("loadSessionActor: the page-load session check in one query", () => {
  it("resolves a live session to the same actor loadUserActor builds (roles from local roles and groups)", async () => {
    const org = await createTestOrg(h.db);
    const approver = org.users.approver;
    const token = await session(approver.id, HOUR);
    const fromSession = await loadSessionActor(h.db, token);
    const fromUser = await loadUserActor(h.db, approver.id);
    // The same person, plus the session it came from (step-up reads when that sign-in happened).
    expect(fromSession).toEqual({
      ...fromUser,
      actor: { ...fromUser?.actor, sessionHash: hashSessionToken(token) },
    });
    expect(fromSession?.orgId).toBe(org.org.id);
    expect(fromSession?.actor.groups).toEqual(["approvers", "engineering"]);
    expect(fromSession?.actor.roles.sort()).toEqual(["approver", "requester"]);
    expect(fromSession?.actor.permissions).toContain("requests.approve");
  });

  it("refuses unknown tokens, expired sessions and disabled users", async () => {
    const org = await createTestOrg(h.db);
    const requester = org.users.requester;
    expect(await loadSessionActor(h.db, "no-such-token")).toBeNull();
    expect(await loadSessionActor(h.db, await session(requester.id, -1000))).toBeNull();

    const live = await session(requester.id, HOUR);
    expect((await loadSessionActor(h.db, live))?.actor.userId).toBe(requester.id);
    await h.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, requester.id));
    expect(await loadSessionActor(h.db, live)).toBeNull();
  });

  it("re-reads groups on every call: leaving the approvers group removes the approve permission at once", async () => {
    const org = await createTestOrg(h.db);
    const approver = org.users.approver2;
    const token = await session(approver.id, HOUR);
    expect((await loadSessionActor(h.db, token))?.actor.permissions).toContain("requests.approve");
    await h.db.delete(memberships).where(eq(memberships.userId, approver.id));
    const after = await loadSessionActor(h.db, token);
    expect(after?.actor.groups).toEqual([]);
    expect(after?.actor.permissions).not.toContain("requests.approve");
  });
});
