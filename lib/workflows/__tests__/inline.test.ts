import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { accessRequests, grants } from "@/db/schema";
import { isAllowed } from "@/lib/clouds/sandbox";
import { revokeGrant } from "@/lib/grants";
import { scheduledGrant } from "@/lib/grants/__tests__/fixtures";
import { provisionGrant } from "@/lib/grants/provision";
import { decideRequest, submitRequest } from "@/lib/requests";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { createInlineDriver } from "../inline";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

const grantRow = async (id: string) => (await h.db.select().from(grants).where(eq(grants.id, id)))[0];

async function waitFor<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("inline workflow driver", () => {
  it("runs submit → approve → active → revoke now → revoked through the access verbs", async () => {
    const org = await createTestOrg(h.db);
    // The reconciler is scoped to this org: with DATABASE_URL other test files share the database.
    const driver = createInlineDriver({
      db: h.db,
      reconcileIntervalMs: 60_000,
      reconcile: { orgId: org.org.id },
    });
    const requester = await userCtx(h.db, org.users.requester, driver);
    const approver = await userCtx(h.db, org.users.approver, driver);
    const submitted = await submitRequest({
      ctx: requester,
      input: {
        targetId: org.targets.aws.id,
        templateId: org.template("logs.read").id,
        durationMinutes: 30,
        justification: "debug",
      },
    });
    await decideRequest({ ctx: approver, input: { requestId: submitted.id, verdict: "approve" } });
    const [grant] = await h.db.select().from(grants).where(eq(grants.requestId, submitted.id));
    expect(grant.status).toBe("active");
    const principal = org.users.requester.email;
    expect(await isAllowed(h.db, grant.targetId, principal, "logs:GetLogEvents", new Date())).toBe(true);

    await revokeGrant({ ctx: requester, input: { grantId: grant.id, reason: "done" } });
    await driver.idle();
    expect((await grantRow(grant.id)).status).toBe("revoked");
    expect(await isAllowed(h.db, grant.targetId, principal, "logs:GetLogEvents", new Date())).toBe(false);
    const [req] = await h.db.select().from(accessRequests).where(eq(accessRequests.id, submitted.id));
    expect(req.status).toBe("completed");
    await driver.stop();
  });

  it("revokes at expiry by timer: active, a second later revoked, and the cloud denies", async () => {
    const org = await createTestOrg(h.db);
    const driver = createInlineDriver({
      db: h.db,
      reconcileIntervalMs: 60_000,
      reconcile: { orgId: org.org.id },
    });
    const s = await scheduledGrant(h.db, org, { durationSeconds: 1 });
    await driver.dispatch([
      { name: "request.approved", orgId: org.org.id, requestId: s.request.id, grantIds: [s.grant.id] },
    ]);
    const active = await grantRow(s.grant.id);
    expect(active.status).toBe("active");
    expect(await isAllowed(h.db, s.target.id, s.principal, "s3:GetObject", new Date())).toBe(true);

    const done = await waitFor(
      () => grantRow(s.grant.id),
      (g) => g.status === "revoked",
      4000,
    );
    expect(done.status).toBe("revoked");
    const lateness = done.revokedAt!.getTime() - active.expiresAt!.getTime();
    expect(lateness).toBeGreaterThanOrEqual(0);
    expect(lateness).toBeLessThan(1000);
    expect(await isAllowed(h.db, s.target.id, s.principal, "s3:GetObject", new Date())).toBe(false);
    await driver.stop();
  });

  it("re-arms a moved expiry on grant.extended", async () => {
    const org = await createTestOrg(h.db);
    const driver = createInlineDriver({
      db: h.db,
      reconcileIntervalMs: 60_000,
      reconcile: { orgId: org.org.id },
    });
    const s = await scheduledGrant(h.db, org, { durationSeconds: 3600 });
    await driver.dispatch([
      { name: "request.approved", orgId: org.org.id, requestId: s.request.id, grantIds: [s.grant.id] },
    ]);
    const soon = new Date(Date.now() + 500);
    await h.db.update(grants).set({ expiresAt: soon }).where(eq(grants.id, s.grant.id));
    await driver.dispatch([
      { name: "grant.extended", orgId: org.org.id, grantId: s.grant.id, expiresAt: soon.toISOString() },
    ]);
    const done = await waitFor(
      () => grantRow(s.grant.id),
      (g) => g.status === "revoked",
      3000,
    );
    expect(done.status).toBe("revoked");
    await driver.stop();
  });

  it("on start, revokes what expired while it was down and arms timers for what expires soon", async () => {
    const org = await createTestOrg(h.db);
    const missed = await scheduledGrant(h.db, org, { durationSeconds: 1 });
    const soon = await scheduledGrant(h.db, org, { durationSeconds: 2 });
    for (const s of [missed, soon]) await provisionGrant({ ctx: s.ctx, input: { grantId: s.grant.id } });
    await new Promise((r) => setTimeout(r, 1100));

    const driver = createInlineDriver({
      db: h.db,
      reconcileIntervalMs: 60_000,
      reconcile: { orgId: org.org.id },
    });
    driver.start();
    const m = await waitFor(
      () => grantRow(missed.grant.id),
      (g) => g.status === "revoked",
      3000,
    );
    expect(m.status).toBe("revoked");
    const s = await waitFor(
      () => grantRow(soon.grant.id),
      (g) => g.status === "revoked",
      4000,
    );
    expect(s.status).toBe("revoked");
    // Revoked by its timer, long before the next reconcile pass (60 s away).
    expect(s.revokedAt!.getTime() - s.expiresAt!.getTime()).toBeLessThan(1000);
    await driver.stop();
  });
});
