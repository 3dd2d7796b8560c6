import { and, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { grants, sandboxBindings } from "@/db/schema";
import type { SeededOrg } from "@/db/seed/org";
import { clearSandboxFaults, injectSandboxFault, isAllowed } from "@/lib/clouds/sandbox";
import { extendGrant } from "@/lib/grants/extend-grant";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { applyExtension } from "../apply-extension";
import { provisionGrant } from "../provision";
import { reconcileOnce } from "../reconcile";
import { grantRow, scheduledGrant } from "./fixtures";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());
afterEach(() => clearSandboxFaults());

const MIN = 60_000;

async function extendedGrant(org: SeededOrg, minutes = 30) {
  const s = await scheduledGrant(h.db, org);
  await provisionGrant({ ctx: s.ctx, input: { grantId: s.grant.id } });
  const before = await grantRow(h.db, s.grant.id);
  const owner = await userCtx(h.db, org.users.requester);
  await extendGrant({ ctx: owner, input: { grantId: s.grant.id, minutes, reason: "more" } });
  const oldExpiry = before.expiresAt!;
  return { ...s, oldExpiry, newExpiry: new Date(oldExpiry.getTime() + minutes * MIN) };
}

async function bindingNotAfter(targetId: string, grantId: string) {
  const [b] = await h.db
    .select({ notAfter: sandboxBindings.notAfter })
    .from(sandboxBindings)
    .where(and(eq(sandboxBindings.targetId, targetId), eq(sandboxBindings.bindingId, `elevate-${grantId}`)));
  return b?.notAfter ?? null;
}

describe("applyExtension", () => {
  it("on a cloud failure keeps the old cloud expiry and marks a retry; the reconciler applies it", async () => {
    const org = await createTestOrg(h.db);
    const s = await extendedGrant(org);
    injectSandboxFault(s.target.id, { op: "bind", kind: "retryable", times: 1 });

    const failed = await applyExtension({ ctx: s.ctx, input: { grantId: s.grant.id } });
    expect(failed.status).toBe("active");
    expect(failed.lastError).toMatch(/^extend: /);
    expect(new Date(failed.nextAttemptAt!).getTime()).toBeGreaterThan(Date.now());
    // Access still ends at the old expiry in the cloud: never later than the database says.
    expect((await bindingNotAfter(s.target.id, s.grant.id))?.toISOString()).toBe(s.oldExpiry.toISOString());
    const afterOld = new Date(s.oldExpiry.getTime() + 1000);
    expect(await isAllowed(h.db, s.target.id, s.principal, "s3:GetObject", afterOld)).toBe(false);
    expect((await grantRow(h.db, s.grant.id)).evidence.extensions).toBeUndefined();

    // Not yet due for a retry: the reconciler leaves it.
    await reconcileOnce({ db: h.db, orgId: org.org.id });
    expect((await bindingNotAfter(s.target.id, s.grant.id))?.toISOString()).toBe(s.oldExpiry.toISOString());

    const result = await reconcileOnce({ db: h.db, orgId: org.org.id, now: new Date(Date.now() + 2 * MIN) });
    expect(result.retried).toBe(1);
    expect(result.expired).toBe(0);
    const row = await grantRow(h.db, s.grant.id);
    expect(row).toMatchObject({ status: "active", nextAttemptAt: null, lastError: null });
    expect(row.expiresAt?.toISOString()).toBe(s.newExpiry.toISOString());
    expect(row.evidence.extensions?.map((e) => e.to)).toEqual([s.newExpiry.toISOString()]);
    expect(await isAllowed(h.db, s.target.id, s.principal, "s3:GetObject", afterOld)).toBe(true);
    const afterNew = new Date(s.newExpiry.getTime() + 1000);
    expect(await isAllowed(h.db, s.target.id, s.principal, "s3:GetObject", afterNew)).toBe(false);
  });

  it("picks up an extension whose workflow never ran (marked, lease lapsed)", async () => {
    const org = await createTestOrg(h.db);
    const s = await extendedGrant(org, 15);
    const result = await reconcileOnce({ db: h.db, orgId: org.org.id, now: new Date(Date.now() + 1000) });
    expect(result.retried).toBe(1);
    expect((await bindingNotAfter(s.target.id, s.grant.id))?.toISOString()).toBe(s.newExpiry.toISOString());
  });

  it("binds the latest expiry when extended twice before it ran, recording each applied move once", async () => {
    const org = await createTestOrg(h.db);
    const s = await extendedGrant(org, 15);
    const owner = await userCtx(h.db, org.users.requester);
    await extendGrant({ ctx: owner, input: { grantId: s.grant.id, minutes: 15, reason: "again" } });
    const latest = new Date(s.oldExpiry.getTime() + 30 * MIN);
    await Promise.all([
      applyExtension({ ctx: s.ctx, input: { grantId: s.grant.id } }),
      applyExtension({ ctx: s.ctx, input: { grantId: s.grant.id } }),
    ]);
    expect((await bindingNotAfter(s.target.id, s.grant.id))?.toISOString()).toBe(latest.toISOString());
    const row = await grantRow(h.db, s.grant.id);
    expect(row.nextAttemptAt).toBeNull();
    expect(row.evidence.extensions?.map((e) => e.to)).toEqual([latest.toISOString()]);
  });

  it("does nothing for a grant no longer active, so a revoked grant is never bound again", async () => {
    const org = await createTestOrg(h.db);
    const s = await extendedGrant(org);
    await h.db.delete(sandboxBindings).where(eq(sandboxBindings.targetId, s.target.id));
    await h.db
      .update(grants)
      .set({ status: "revoked", revokedAt: new Date() })
      .where(eq(grants.id, s.grant.id));
    const out = await applyExtension({ ctx: s.ctx, input: { grantId: s.grant.id } });
    expect(out.status).toBe("revoked");
    expect(await bindingNotAfter(s.target.id, s.grant.id)).toBeNull();
  });
});
