import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { clearSandboxFaults, injectSandboxFault } from "@/lib/clouds/sandbox";
import { provisionGrant, revokeGrant } from "@/lib/grants";
import { systemCtx, userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { grantRevokeRequested } from "../events";
import { createGrantRevoke, GRANT_REVOKE_ID } from "../functions/grant-revoke";
import {
  approvedRequest,
  auditActions,
  bindingsOf,
  cloudCalls,
  countOf,
  failedEvent,
  failureHandlerOf,
  grantRow,
  grantWakeTime,
  InngestTestEngine,
  testDeps,
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

/** An active grant an admin has just revoked through the real verb; returns the event the verb dispatched. */
async function revokedByAdmin() {
  const org = await createTestOrg(h.db);
  const { deps } = testDeps(h.db, org.org.id);
  const { grant } = await approvedRequest(h.db, org);
  await provisionGrant({ ctx: systemCtx(h.db, org.org.id), input: { grantId: grant.id } });
  const admin = await userCtx(h.db, org.users.admin);
  await revokeGrant({ ctx: admin, input: { grantId: grant.id, reason: "leaver" } });
  const [dispatched] = admin.workflows.events;
  expect(dispatched).toEqual({ name: "grant.revoke.requested", orgId: org.org.id, grantId: grant.id });
  const event = { name: grantRevokeRequested.name, data: { orgId: org.org.id, grantId: grant.id } };
  const fn = createGrantRevoke(deps);
  return { org, grant, fn, event, engine: new InngestTestEngine({ function: fn, events: [event] }) };
}

describe("grant-revoke (real verbs on the test database and sandbox; @inngest/test mocks only step scheduling)", () => {
  it("early revoke: removes the binding before expiry and confirms the read-back, with the admin's reason", async () => {
    const { org, grant, engine } = await revokedByAdmin();
    const { result, ctx } = await engine.execute();
    expect(result).toMatchObject({
      grantId: grant.id,
      status: "revoked",
      rounds: 0,
      revocation: { bindingGone: true },
    });
    expect(ctx.step.sleepUntil).not.toHaveBeenCalled();
    const row = await grantRow(h.db, grant.id);
    expect(row).toMatchObject({ status: "revoked", revokeReason: "leaver" });
    expect(row.revokedAt!.getTime()).toBeLessThan(row.expiresAt!.getTime());
    expect(await bindingsOf(h.db, grant.targetId)).toHaveLength(0);
    expect(countOf(await auditActions(h.db, org.org.id, grant.id), "grant.revoked")).toBe(1);
  });

  it("retries with backoff: an unbind that fails sleeps until the verb's retry time (mocked) and tries again", async () => {
    const { grant, engine } = await revokedByAdmin();
    injectSandboxFault(grant.targetId, { op: "unbind", kind: "retryable", times: 1 });
    useFakeDate();
    const { result, ctx } = await engine.execute({
      steps: [{ id: "wait-1", handler: wakeAt(grantWakeTime(h.db, grant.id)) }],
    });
    expect(result).toMatchObject({ status: "revoked", rounds: 1 });
    expect(ctx.step.run.mock.calls.map(([id]) => id)).toEqual(["revoke-0", "revoke-1", "confirm-revoked"]);
    expect((await grantRow(h.db, grant.id)).attempts).toBe(1);
  });

  it("duplicate event: a second run on the revoked grant is a no-op (no cloud call, no audit)", async () => {
    const { org, grant, fn, event, engine } = await revokedByAdmin();
    await engine.execute();
    const audit = await auditActions(h.db, org.org.id, grant.id);
    const calls = await cloudCalls(h.db, grant.targetId);
    const { result } = await new InngestTestEngine({ function: fn, events: [event] }).execute();
    expect(result).toMatchObject({ status: "revoked", rounds: 0 });
    expect(await auditActions(h.db, org.org.id, grant.id)).toEqual(audit);
    expect(await cloudCalls(h.db, grant.targetId)).toBe(calls);
  });

  it("failure: retries exhausted during a revocation → onFailure marks it revoke_stuck and raises an alert", async () => {
    const { org, grant, fn, event } = await revokedByAdmin();
    const failed = failedEvent(GRANT_REVOKE_ID, event, "cloud API unreachable");
    const { result, ctx } = await new InngestTestEngine({
      function: failureHandlerOf(fn),
      events: [failed],
    }).execute({ steps: [{ id: "raise-alert", handler: () => ({ ids: ["a"] }) }] });
    expect(result).toEqual({ grantId: grant.id, status: "revoke_stuck", alert: "grant.revoke_stuck" });
    const row = await grantRow(h.db, grant.id);
    expect(row.status).toBe("revoke_stuck");
    expect(row.nextAttemptAt).not.toBeNull();
    expect((await auditActions(h.db, org.org.id, grant.id)).at(-1)).toBe("grant.revoke_stuck");
    expect(ctx.step.sendEvent).toHaveBeenCalledWith(
      "raise-alert",
      expect.objectContaining({
        data: expect.objectContaining({
          kind: "grant.revoke_stuck",
          status: "revoke_stuck",
          orgId: org.org.id,
        }),
      }),
    );

    // The stuck grant is still driven to the end by the next run (or the reconciler).
    const { result: retried } = await new InngestTestEngine({ function: fn, events: [event] }).execute();
    expect(retried).toMatchObject({ status: "revoked" });
  });
});
