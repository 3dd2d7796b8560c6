import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { grants, sandboxBindings } from "@/db/schema";
import { isAllowed } from "@/lib/clouds/sandbox";
import { grantRow, scheduledGrant } from "@/lib/grants/__tests__/fixtures";
import { extendGrant } from "@/lib/grants/extend-grant";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { createInlineDriver } from "../inline";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());
afterEach(() => {
  vi.useRealTimers();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("inline driver and extensions", () => {
  it("after an extension the timer fires at the new expiry, not the old one, and the cloud follows", async () => {
    // Fake clock and timers that still run with real time (the database needs them); the minute an
    // extension adds is then skipped with advanceTimersByTime instead of waited for.
    vi.useFakeTimers({ shouldAdvanceTime: true, toFake: ["setTimeout", "clearTimeout", "Date"] });
    const org = await createTestOrg(h.db);
    const driver = createInlineDriver({
      db: h.db,
      reconcileIntervalMs: 600_000,
      reconcile: { orgId: org.org.id },
    });
    const s = await scheduledGrant(h.db, org, { durationSeconds: 3600 });
    await driver.dispatch([
      { name: "request.approved", orgId: org.org.id, requestId: s.request.id, grantIds: [s.grant.id] },
    ]);
    // About to expire: database and cloud condition alike, and the timer armed for it.
    const oldExpiry = new Date(Date.now() + 1500);
    await h.db.update(grants).set({ expiresAt: oldExpiry }).where(eq(grants.id, s.grant.id));
    await h.db
      .update(sandboxBindings)
      .set({ notAfter: oldExpiry })
      .where(eq(sandboxBindings.targetId, s.target.id));
    await driver.dispatch([
      { name: "grant.extended", orgId: org.org.id, grantId: s.grant.id, expiresAt: oldExpiry.toISOString() },
    ]);

    const owner = await userCtx(h.db, org.users.requester, driver);
    await extendGrant({ ctx: owner, input: { grantId: s.grant.id, minutes: 1, reason: "almost done" } });
    const newExpiry = new Date(oldExpiry.getTime() + 60_000);

    // Past the old expiry: still active, and the cloud lets the user in (its condition moved too).
    while (Date.now() < oldExpiry.getTime() + 700) await sleep(50);
    await driver.idle();
    const mid = await grantRow(h.db, s.grant.id);
    expect(mid.status).toBe("active");
    expect(mid.expiresAt?.toISOString()).toBe(newExpiry.toISOString());
    expect(mid.evidence.extensions?.map((e) => e.to)).toEqual([newExpiry.toISOString()]);
    expect(await isAllowed(h.db, s.target.id, s.principal, "s3:GetObject", new Date())).toBe(true);

    // Jump to the new expiry: the timer fires and the grant is revoked, on time.
    vi.advanceTimersByTime(newExpiry.getTime() - Date.now() + 10);
    for (let i = 0; i < 100 && (await grantRow(h.db, s.grant.id)).status !== "revoked"; i++) {
      await driver.idle();
      await sleep(20);
    }
    const done = await grantRow(h.db, s.grant.id);
    expect(done.status).toBe("revoked");
    expect(done.revokedAt!.getTime()).toBeGreaterThanOrEqual(newExpiry.getTime());
    expect(done.revokedAt!.getTime() - newExpiry.getTime()).toBeLessThan(2000);
    expect(await isAllowed(h.db, s.target.id, s.principal, "s3:GetObject", new Date())).toBe(false);
    await driver.stop();
  });
});
