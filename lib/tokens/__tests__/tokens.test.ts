import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { apiTokens, auditEvents, users } from "@/db/schema";
import type { Ctx } from "@/lib/ctx";
import { systemCtx, userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { recordingDriver } from "@/lib/workflows/port";
import { authenticateToken, createApiToken, hashToken, listApiTokens, revokeApiToken } from "..";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

const personCtx = (userId: string) => userCtx(h.db, { id: userId });
const jobCtx = (orgId: string) => systemCtx(h.db, orgId);

describe("createApiToken", () => {
  it("returns the secret once, stores only its hash and audits without the secret", async () => {
    const org = await createTestOrg(h.db);
    const ctx = await personCtx(org.users.requester.id);
    const created = await createApiToken({ ctx, input: { name: "ci", expiresInDays: 7 } });
    expect(created.token).toMatch(/^elv_[A-Za-z0-9_-]{43}$/);
    expect(created.token.startsWith(created.prefix)).toBe(true);
    const [row] = await h.db.select().from(apiTokens).where(eq(apiTokens.id, created.id));
    expect(row.secretHash).toBe(hashToken(created.token));
    expect(JSON.stringify(row)).not.toContain(created.token);
    const days = (row.expiresAt!.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThanOrEqual(7);
    const events = await h.db.select().from(auditEvents).where(eq(auditEvents.orgId, org.org.id));
    const audit = events.find((e) => e.action === "token.created");
    expect(audit?.subjectId).toBe(created.id);
    expect(JSON.stringify(events)).not.toContain(created.token.slice(12));
  });

  it("rejects a blank name and out-of-range expiry, naming the field", async () => {
    const org = await createTestOrg(h.db);
    const ctx = await personCtx(org.users.requester.id);
    await expect(createApiToken({ ctx, input: { name: "  " } })).rejects.toMatchObject({ field: "name" });
    await expect(createApiToken({ ctx, input: { name: "x", expiresInDays: 0 } })).rejects.toMatchObject({
      field: "expiresInDays",
    });
  });

  it("lets people mint only their own tokens; a job may mint for a user in its org only", async () => {
    const org = await createTestOrg(h.db);
    const other = await createTestOrg(h.db);
    const ctx = await personCtx(org.users.requester.id);
    await expect(
      createApiToken({ ctx, input: { name: "x", userId: org.users.approver.id } }),
    ).rejects.toMatchObject({ code: "forbidden" });
    const auditor = await personCtx(org.users.auditor.id);
    await expect(createApiToken({ ctx: auditor, input: { name: "x" } })).rejects.toMatchObject({
      code: "forbidden",
    });
    const made = await createApiToken({
      ctx: jobCtx(org.org.id),
      input: { name: "x", userId: org.users.auditor.id },
    });
    expect((await authenticateToken(h.db, made.token))?.actor.userId).toBe(org.users.auditor.id);
    await expect(
      createApiToken({ ctx: jobCtx(org.org.id), input: { name: "x", userId: other.users.requester.id } }),
    ).rejects.toMatchObject({ code: "not_found" });
  });

  it("refuses to let a token mint another token", async () => {
    const org = await createTestOrg(h.db);
    const made = await createApiToken({ ctx: await personCtx(org.users.requester.id), input: { name: "a" } });
    const auth = await authenticateToken(h.db, made.token);
    const ctx: Ctx = { ...auth!, db: h.db, workflows: recordingDriver() };
    await expect(createApiToken({ ctx, input: { name: "b" } })).rejects.toMatchObject({ code: "forbidden" });
  });
});

describe("authenticateToken", () => {
  it("resolves a valid token to its user as a token actor and records last use", async () => {
    const org = await createTestOrg(h.db);
    const made = await createApiToken({ ctx: await personCtx(org.users.approver.id), input: { name: "a" } });
    const auth = await authenticateToken(h.db, made.token);
    expect(auth?.orgId).toBe(org.org.id);
    expect(auth?.actor).toMatchObject({ type: "token", userId: org.users.approver.id, tokenId: made.id });
    expect(auth?.actor.permissions.has("requests.approve")).toBe(true);
    const [row] = await h.db.select().from(apiTokens).where(eq(apiTokens.id, made.id));
    expect(row.lastUsedAt).not.toBeNull();
  });

  it("writes lastUsedAt at most once a minute", async () => {
    const org = await createTestOrg(h.db);
    const made = await createApiToken({ ctx: await personCtx(org.users.requester.id), input: { name: "a" } });
    const t0 = new Date(Math.floor(Date.now() / 1000) * 1000 + 3_600_000);
    const read = async () =>
      (await h.db.select().from(apiTokens).where(eq(apiTokens.id, made.id)))[0].lastUsedAt;
    await authenticateToken(h.db, made.token, t0);
    await authenticateToken(h.db, made.token, new Date(t0.getTime() + 30_000));
    expect(await read()).toEqual(t0);
    const later = new Date(t0.getTime() + 61_000);
    await authenticateToken(h.db, made.token, later);
    expect(await read()).toEqual(later);
  });

  it("answers null for garbage, unknown, revoked, expired tokens and disabled users", async () => {
    const org = await createTestOrg(h.db);
    const ctx = await personCtx(org.users.requester.id);
    expect(await authenticateToken(h.db, "")).toBeNull();
    expect(await authenticateToken(h.db, "elv_short")).toBeNull();
    expect(await authenticateToken(h.db, `elv_${"A".repeat(43)}`)).toBeNull();

    const revoked = await createApiToken({ ctx, input: { name: "r" } });
    await revokeApiToken({ ctx, input: { tokenId: revoked.id } });
    expect(await authenticateToken(h.db, revoked.token)).toBeNull();

    const expiring = await createApiToken({ ctx, input: { name: "e", expiresInDays: 1 } });
    expect(await authenticateToken(h.db, expiring.token, new Date(Date.now() + 2 * 86_400_000))).toBeNull();

    const live = await createApiToken({ ctx, input: { name: "d" } });
    expect(await authenticateToken(h.db, live.token)).not.toBeNull();
    await h.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, org.users.requester.id));
    expect(await authenticateToken(h.db, live.token)).toBeNull();
  });
});

describe("revokeApiToken and listApiTokens", () => {
  it("revokes own tokens idempotently, auditing once", async () => {
    const org = await createTestOrg(h.db);
    const ctx = await personCtx(org.users.requester.id);
    const made = await createApiToken({ ctx, input: { name: "a" } });
    const first = await revokeApiToken({ ctx, input: { tokenId: made.id } });
    const second = await revokeApiToken({ ctx, input: { tokenId: made.id } });
    expect(first.revokedAt).not.toBeNull();
    expect(second.revokedAt).toBe(first.revokedAt);
    const revokes = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, org.org.id), eq(auditEvents.action, "token.revoked")));
    expect(revokes).toHaveLength(1);
  });

  it("hides other people's tokens from non-admins and other orgs, but admins may revoke any in the org", async () => {
    const org = await createTestOrg(h.db);
    const other = await createTestOrg(h.db);
    const made = await createApiToken({ ctx: await personCtx(org.users.requester.id), input: { name: "a" } });
    const approver = await personCtx(org.users.approver.id);
    await expect(revokeApiToken({ ctx: approver, input: { tokenId: made.id } })).rejects.toMatchObject({
      code: "not_found",
    });
    const foreignAdmin = await personCtx(other.users.admin.id);
    await expect(revokeApiToken({ ctx: foreignAdmin, input: { tokenId: made.id } })).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(revokeApiToken({ ctx: approver, input: { tokenId: "nope" } })).rejects.toMatchObject({
      field: "tokenId",
    });
    const admin = await personCtx(org.users.admin.id);
    expect((await revokeApiToken({ ctx: admin, input: { tokenId: made.id } })).revokedAt).not.toBeNull();
  });

  it("lists own tokens without secrets; scope all needs an admin", async () => {
    const org = await createTestOrg(h.db);
    const requester = await personCtx(org.users.requester.id);
    const made = await createApiToken({ ctx: requester, input: { name: "mine" } });
    await createApiToken({ ctx: await personCtx(org.users.approver.id), input: { name: "theirs" } });
    const mine = await listApiTokens({ ctx: requester });
    expect(mine.map((t) => t.name)).toEqual(["mine"]);
    expect(JSON.stringify(mine)).not.toContain(made.token);
    expect(Object.keys(mine[0])).not.toContain("secretHash");
    await expect(listApiTokens({ ctx: requester, input: { scope: "all" } })).rejects.toMatchObject({
      code: "forbidden",
    });
    const all = await listApiTokens({ ctx: await personCtx(org.users.admin.id), input: { scope: "all" } });
    expect(all.map((t) => t.name).sort()).toEqual(["mine", "theirs"]);
  });
});
