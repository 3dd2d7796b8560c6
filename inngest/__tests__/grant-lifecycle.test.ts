import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { accessRequests, grants } from "@/db/schema";
import { clearSandboxFaults, injectSandboxFault, isAllowed } from "@/lib/clouds/sandbox";
import { revokeGrant } from "@/lib/grants";
import { userCtx } from "@/lib/testing/ctx";
import { openTestDb } from "@/lib/testing/db";
import {
  auditActions,
  bindingsOf,
  cloudCalls,
  countOf,
  grantRow,
  grantWakeTime,
  InngestTestEngine,
  lifecycleSetup,
  syncedConfig,
  useFakeDate,
  wakeAt,
} from "./helpers";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());
afterEach(() => {
  vi.useRealTimers();
  clearSandboxFaults();
});

const setup = () => lifecycleSetup(h.db);

const sleeps = (calls: unknown[][]) => calls.map(([id, at]) => [id, new Date(at as string).toISOString()]);

describe("grant-lifecycle (real verbs on the test database and sandbox; @inngest/test mocks only step scheduling)", () => {
  it("normal: provisions, sleeps until expiry (mocked sleep), revokes, confirms the read-back", async () => {
    const { org, grant, requestId, engine } = await setup();
    useFakeDate();
    const { result, error, ctx } = await engine.execute({
      steps: [{ id: "wait-1", handler: wakeAt(grantWakeTime(h.db, grant.id)) }],
    });
    expect(error).toBeUndefined();
    const row = await grantRow(h.db, grant.id);
    expect(result).toMatchObject({
      grantId: grant.id,
      status: "revoked",
      rounds: 1,
      revocation: { status: "revoked", bindingGone: true },
    });
    expect(row.status).toBe("revoked");
    // It slept exactly until the expiry the cloud enforces, then revoked within a millisecond of it.
    expect(sleeps(ctx.step.sleepUntil.mock.calls)).toEqual([["wait-1", row.expiresAt!.toISOString()]]);
    expect(row.revokedAt!.getTime() - row.expiresAt!.getTime()).toBeLessThan(1000);
    expect(row.evidence.removal).toMatchObject({ inspected: { present: false } });
    expect(await bindingsOf(h.db, grant.targetId)).toHaveLength(0);
    expect(
      await isAllowed(h.db, grant.targetId, org.users.requester.email, "logs:GetLogEvents", new Date()),
    ).toBe(false);
    const actions = await auditActions(h.db, org.org.id, grant.id);
    expect(actions).toEqual([
      "grant.scheduled",
      "grant.provisioning",
      "grant.activated",
      "grant.revoking",
      "grant.revoked",
    ]);
    const [req] = await h.db.select().from(accessRequests).where(eq(accessRequests.id, requestId));
    expect(req.status).toBe("completed");
  });

  it("retries with the verb's backoff: a throttled bind sleeps until the retry time, then provisions", async () => {
    const { grant, engine } = await setup();
    injectSandboxFault(grant.targetId, { op: "bind", kind: "throttled", times: 1, retryAfterMs: 5_000 });
    useFakeDate();
    const t0 = Date.now();
    const wake = wakeAt(grantWakeTime(h.db, grant.id));
    const { result, ctx } = await engine.execute({
      steps: [
        { id: "wait-1", handler: wake },
        { id: "wait-2", handler: wake },
      ],
    });
    expect(result).toMatchObject({ status: "revoked", rounds: 2 });
    const [[, retryAt], [, expiryAt]] = ctx.step.sleepUntil.mock.calls as [string, string][];
    expect(new Date(retryAt).getTime() - t0).toBeGreaterThanOrEqual(5_000);
    expect(expiryAt).toBe((await grantRow(h.db, grant.id)).expiresAt!.toISOString());
    expect(ctx.step.run.mock.calls.map(([id]) => id)).toEqual([
      "provision-0",
      "provision-1",
      "revoke-2",
      "confirm-revoked",
    ]);
  });

  it("extension: the expiry moved during the sleep (mocked), so the re-read loops and sleeps again", async () => {
    const { org, grant, engine } = await setup();
    useFakeDate();
    let oldExpiry: Date | null = null;
    let newExpiry: Date | null = null;
    const { result, ctx } = await engine.execute({
      steps: [
        {
          id: "wait-1",
          // An extension lands while the run sleeps (no extension verb exists yet: the row is moved as one
          // would), then Inngest wakes the run at the old expiry.
          handler: async () => {
            oldExpiry = (await grantRow(h.db, grant.id)).expiresAt!;
            newExpiry = new Date(oldExpiry.getTime() + 3600_000);
            await h.db.update(grants).set({ expiresAt: newExpiry }).where(eq(grants.id, grant.id));
            vi.setSystemTime(new Date(oldExpiry.getTime() + 1));
            return null;
          },
        },
        { id: "wait-2", handler: wakeAt(grantWakeTime(h.db, grant.id)) },
      ],
    });
    expect(result).toMatchObject({ status: "revoked", rounds: 2 });
    expect(sleeps(ctx.step.sleepUntil.mock.calls)).toEqual([
      ["wait-1", oldExpiry!.toISOString()],
      ["wait-2", newExpiry!.toISOString()],
    ]);
    const row = await grantRow(h.db, grant.id);
    expect(row.revokedAt!.getTime()).toBeGreaterThanOrEqual(newExpiry!.getTime());
    expect(countOf(await auditActions(h.db, org.org.id, grant.id), "grant.revoked")).toBe(1);
  });

  it("early revoke: is cancelled by grant.revoke.requested for its grant; a run the cancel missed only finishes the revocation once", async () => {
    const { org, grant, fn, engine } = await setup();
    expect(syncedConfig(fn).cancel).toEqual([
      { event: "elevate/grant.revoke.requested", if: "event.data.grantId == async.data.grantId" },
    ]);

    const first = await engine.executeStep("provision-0");
    expect(first.result).toMatchObject({ status: "active", next: { action: "revoke" } });
    const admin = await userCtx(h.db, org.users.admin);
    await revokeGrant({ ctx: admin, input: { grantId: grant.id, reason: "incident over" } });
    expect(admin.workflows.events).toEqual([
      { name: "grant.revoke.requested", orgId: org.org.id, grantId: grant.id },
    ]);

    // Had the cancel raced the wake-up, the next round sees `revoking` and completes it (no clock change).
    const { result } = await engine.execute({ steps: [{ id: "wait-1", handler: () => null }] });
    expect(result).toMatchObject({ status: "revoked", revocation: { bindingGone: true } });
    const row = await grantRow(h.db, grant.id);
    expect(row.revokeReason).toBe("incident over");
    expect(row.revokedAt!.getTime()).toBeLessThan(row.expiresAt!.getTime());
    const actions = await auditActions(h.db, org.org.id, grant.id);
    expect(countOf(actions, "grant.revoked")).toBe(1);
  });

  it("duplicate event: a second run on an active grant changes nothing, and on a revoked grant is a no-op", async () => {
    const { org, grant, fn, event } = await setup();
    await new InngestTestEngine({ function: fn, events: [event] }).executeStep("provision-0");
    const calls = await cloudCalls(h.db, grant.targetId);
    const audit = await auditActions(h.db, org.org.id, grant.id);

    const again = await new InngestTestEngine({ function: fn, events: [event] }).executeStep("provision-0");
    expect(again.result).toMatchObject({ status: "active" });
    expect(await cloudCalls(h.db, grant.targetId)).toBe(calls);
    expect(await auditActions(h.db, org.org.id, grant.id)).toEqual(audit);
    expect(await bindingsOf(h.db, grant.targetId)).toHaveLength(1);

    useFakeDate();
    await new InngestTestEngine({ function: fn, events: [event] }).execute({
      steps: [{ id: "wait-1", handler: wakeAt(grantWakeTime(h.db, grant.id)) }],
    });
    const done = await auditActions(h.db, org.org.id, grant.id);
    const callsDone = await cloudCalls(h.db, grant.targetId);
    const { result, ctx } = await new InngestTestEngine({ function: fn, events: [event] }).execute();
    expect(result).toMatchObject({ status: "revoked", rounds: 0 });
    expect(ctx.step.sleepUntil).not.toHaveBeenCalled();
    expect(await auditActions(h.db, org.org.id, grant.id)).toEqual(done);
    expect(countOf(done, "grant.revoked")).toBe(1);
    expect(await cloudCalls(h.db, grant.targetId)).toBe(callsDone);
    // Inngest also drops the duplicate: one run per grant id.
    expect(syncedConfig(fn).idempotency).toBe("event.data.grantId");
  });
});
