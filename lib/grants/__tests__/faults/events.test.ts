import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import type { SeededOrg } from "@/db/seed/org";
import { revokeGrant } from "@/lib/grants/revoke-grant";
import { decideRequest } from "@/lib/requests/decide";
import { submitRequest } from "@/lib/requests/submit";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { createInlineDriver, type InlineDriver } from "@/lib/workflows/inline";
import { recordingDriver, type WorkflowEvent } from "@/lib/workflows/port";
import { reconcileOnce } from "../../reconcile";
import { bindingsOf, grantRow, roleRow } from "../fixtures";
import { auditCount, expectInvariants } from "./invariants";

let h: DbHandle;
const drivers: InlineDriver[] = [];
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.stop();
});

const INTERVAL_MS = 15_000;
// The reconciler's default: a scheduled grant nobody started for this long is its to provision.
const STALE_MS = 30_000;

/** The inline driver for this org, not started: only what is dispatched to it runs (no timers of its own). */
function inlineDriver(orgId: string): InlineDriver {
  const d = createInlineDriver({ db: h.db, reconcileIntervalMs: INTERVAL_MS, reconcile: { orgId } });
  drivers.push(d);
  return d;
}

/** Submit and approve through the real verbs; the approval's events are captured, not delivered. */
async function approve(org: SeededOrg) {
  const requester = await userCtx(h.db, org.users.requester);
  const req = await submitRequest({
    ctx: requester,
    input: {
      targetId: org.targets.aws.id,
      templateId: org.template("vm.ssh").id,
      resource: "i-0abc1234",
      durationMinutes: 60,
      justification: "INC-9",
    },
  });
  const approver = await userCtx(h.db, org.users.approver, recordingDriver());
  const dto = await decideRequest({ ctx: approver, input: { requestId: req.id, verdict: "approve" } });
  const [event] = approver.workflows.events;
  expect(event?.name).toBe("request.approved");
  return { grantId: dto.grants[0].id, event: event as WorkflowEvent, approvedAt: Date.now() };
}

async function activeViaDriver(org: SeededOrg) {
  const a = await approve(org);
  const driver = inlineDriver(org.org.id);
  await driver.dispatch([a.event]);
  expect((await grantRow(h.db, a.grantId)).status).toBe("active");
  return { ...a, driver };
}

describe("duplicate and lost workflow events", () => {
  it("duplicate request.approved dispatched twice concurrently: one activation, one role reference", async () => {
    const org = await createTestOrg(h.db);
    const { grantId, event } = await approve(org);
    const driver = inlineDriver(org.org.id);
    await Promise.all([driver.dispatch([event]), driver.dispatch([event])]);
    await driver.idle();
    const g = await grantRow(h.db, grantId);
    expect(g.status).toBe("active");
    expect(await auditCount(h.db, org.org.id, grantId, "grant.provisioning")).toBe(1);
    expect(await auditCount(h.db, org.org.id, grantId, "grant.activated")).toBe(1);
    expect((await roleRow(h.db, g.targetId, g.roleSpec.hash)).refCount).toBe(1);
    const bindings = await bindingsOf(h.db, g.targetId);
    expect(bindings).toHaveLength(1);
    expect(bindings[0].notAfter.getTime()).toBe(g.expiresAt!.getTime());
    await expectInvariants(h.db, org.org.id);
  });

  it("duplicate grant.revoke.requested dispatched twice concurrently: one grant.revoked", async () => {
    const org = await createTestOrg(h.db);
    const { grantId, driver } = await activeViaDriver(org);
    const admin = await userCtx(h.db, org.users.admin, recordingDriver());
    await revokeGrant({ ctx: admin, input: { grantId, reason: "incident" } });
    const [event] = admin.workflows.events;
    expect(event?.name).toBe("grant.revoke.requested");
    await Promise.all([driver.dispatch([event]), driver.dispatch([event])]);
    await driver.idle();
    expect((await grantRow(h.db, grantId)).status).toBe("revoked");
    expect(await auditCount(h.db, org.org.id, grantId, "grant.revoked")).toBe(1);
    await expectInvariants(h.db, org.org.id);
  });

  it("lost request.approved (never dispatched): the reconciler alone provisions it on its first pass after the stale window", async () => {
    const org = await createTestOrg(h.db);
    const { grantId, approvedAt } = await approve(org);
    // Inside the window the inline driver might still be working on it: the reconciler leaves it.
    expect((await reconcileOnce({ db: h.db, orgId: org.org.id })).provisioned).toBe(0);
    const pass = await reconcileOnce({ db: h.db, orgId: org.org.id, now: new Date(approvedAt + STALE_MS) });
    expect(pass.provisioned).toBe(1);
    expect((await grantRow(h.db, grantId)).status).toBe("active");
    await expectInvariants(h.db, org.org.id);
  });

  it("lost grant.revoke.requested (never dispatched): the reconciler alone revokes it on its next pass", async () => {
    const org = await createTestOrg(h.db);
    const { grantId } = await activeViaDriver(org);
    const admin = await userCtx(h.db, org.users.admin, recordingDriver());
    await revokeGrant({ ctx: admin, input: { grantId, reason: "incident" } });
    expect((await grantRow(h.db, grantId)).status).toBe("revoking");
    expect((await reconcileOnce({ db: h.db, orgId: org.org.id })).retried).toBe(1);
    expect((await grantRow(h.db, grantId)).status).toBe("revoked");
    expect(await bindingsOf(h.db, org.targets.aws.id)).toEqual([]);
    await expectInvariants(h.db, org.org.id);
  });

  it("lost expiry timer: the reconciler alone revokes the grant within one interval of its expiry", async () => {
    const org = await createTestOrg(h.db);
    const { grantId, driver } = await activeViaDriver(org);
    await driver.stop(); // the process that held the timer is gone
    const { expiresAt } = await grantRow(h.db, grantId);
    const before = new Date(expiresAt!.getTime() - 1);
    expect((await reconcileOnce({ db: h.db, orgId: org.org.id, now: before })).expired).toBe(0);
    // Whatever the phase of the loop, a pass starts within one interval after the expiry.
    const pass = await reconcileOnce({
      db: h.db,
      orgId: org.org.id,
      now: new Date(expiresAt!.getTime() + INTERVAL_MS),
    });
    expect(pass.expired).toBe(1);
    expect((await grantRow(h.db, grantId)).status).toBe("revoked");
    await expectInvariants(h.db, org.org.id);
  });
});
