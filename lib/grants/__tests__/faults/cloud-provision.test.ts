import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { clearSandboxFaults, injectSandboxFault, type SandboxOp } from "@/lib/clouds/sandbox";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { MAX_ATTEMPTS } from "../../backoff";
import { provisionGrant } from "../../provision";
import { reconcileOnce } from "../../reconcile";
import { bindingsOf, grantRow, roleRow, scheduledGrant } from "../fixtures";
import { auditCount, expectInvariants, expectNotUsable, settle } from "./invariants";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());
afterEach(() => {
  clearSandboxFaults();
  vi.restoreAllMocks();
});

const SEC = 1000;
const MIN = 60 * SEC;
const later = (ms: number) => new Date(Date.now() + ms);

describe("cloud faults while provisioning", () => {
  it.each<SandboxOp>(["ensureRole", "bind", "inspect"])(
    "5xx on %s: the reconciler retries it, the grant goes active and still expires",
    async (op) => {
      const org = await createTestOrg(h.db);
      const s = await scheduledGrant(h.db, org, { durationSeconds: 3600 });
      injectSandboxFault(s.target.id, { op, kind: "retryable", times: 1 });
      const first = await provisionGrant({ ctx: s.ctx, input: { grantId: s.grant.id } });
      expect(first).toMatchObject({ status: "provisioning", attempts: 1 });
      await settle(h.db, org.org.id, later(10 * MIN));
      expect((await grantRow(h.db, s.grant.id)).status).toBe("active");
      await expectInvariants(h.db, org.org.id, { rolesCollected: true });

      const { expiresAt } = await grantRow(h.db, s.grant.id);
      await expectNotUsable(h.db, s, expiresAt!);
      await settle(h.db, org.org.id, new Date(expiresAt!.getTime() + 1));
      expect((await grantRow(h.db, s.grant.id)).status).toBe("revoked");
      await expectInvariants(h.db, org.org.id, { rolesCollected: true });
    },
  );

  it("5xx on bind at every attempt: failed after the last attempt, with nothing left behind", async () => {
    const org = await createTestOrg(h.db);
    const s = await scheduledGrant(h.db, org);
    injectSandboxFault(s.target.id, { op: "bind", kind: "retryable", times: 100, applied: true });
    await provisionGrant({ ctx: s.ctx, input: { grantId: s.grant.id } });
    for (let i = 0; i < MAX_ATTEMPTS && (await grantRow(h.db, s.grant.id)).status !== "failed"; i++) {
      await reconcileOnce({ db: h.db, orgId: org.org.id, now: later(10 * MIN) });
    }
    const g = await grantRow(h.db, s.grant.id);
    expect(g).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS });
    expect(await bindingsOf(h.db, s.target.id)).toEqual([]);
    expect((await roleRow(h.db, s.target.id, s.grant.roleSpec.hash)).refCount).toBe(0);
    expect(await auditCount(h.db, org.org.id, s.grant.id, "grant.provision_retry")).toBe(MAX_ATTEMPTS - 1);
    await settle(h.db, org.org.id, later(10 * MIN));
    await expectInvariants(h.db, org.org.id, { rolesCollected: true });
  });

  it("throttling with retry-after on bind: no retry before retry-after, then active", async () => {
    const org = await createTestOrg(h.db);
    const s = await scheduledGrant(h.db, org);
    const before = Date.now();
    injectSandboxFault(s.target.id, { op: "bind", kind: "throttled", times: 1, retryAfterMs: 45 * SEC });
    const out = await provisionGrant({ ctx: s.ctx, input: { grantId: s.grant.id } });
    expect(out.status).toBe("provisioning");
    expect(Date.parse(out.nextAttemptAt!)).toBeGreaterThanOrEqual(before + 45 * SEC);
    expect((await reconcileOnce({ db: h.db, orgId: org.org.id, now: later(30 * SEC) })).provisioned).toBe(0);
    expect((await grantRow(h.db, s.grant.id)).attempts).toBe(1);
    expect((await reconcileOnce({ db: h.db, orgId: org.org.id, now: later(46 * SEC) })).provisioned).toBe(1);
    expect((await grantRow(h.db, s.grant.id)).status).toBe("active");
    await expectInvariants(h.db, org.org.id);
  });

  it.each<SandboxOp>(["ensureRole", "bind"])(
    "timeout after the cloud applied %s: the retry adopts what exists, one role reference, cloud expiry = grant expiry",
    async (op) => {
      const org = await createTestOrg(h.db);
      const s = await scheduledGrant(h.db, org);
      injectSandboxFault(s.target.id, { op, kind: "retryable", times: 1, applied: true });
      expect((await provisionGrant({ ctx: s.ctx, input: { grantId: s.grant.id } })).status).toBe(
        "provisioning",
      );
      // The ambiguous binding exists but is explained by the grant still provisioning: drift leaves it.
      await expectInvariants(h.db, org.org.id);
      await settle(h.db, org.org.id, later(10 * MIN));
      const g = await grantRow(h.db, s.grant.id);
      expect(g.status).toBe("active");
      const [binding] = await bindingsOf(h.db, s.target.id);
      expect(binding.notAfter.getTime()).toBe(g.expiresAt!.getTime());
      expect((await roleRow(h.db, s.target.id, s.grant.roleSpec.hash)).refCount).toBe(1);
      await expectInvariants(h.db, org.org.id, { rolesCollected: true });
    },
  );

  it("timeout after the cloud applied bind, then 403: the binding it made is removed and the grant fails", async () => {
    const org = await createTestOrg(h.db);
    const s = await scheduledGrant(h.db, org);
    injectSandboxFault(s.target.id, { op: "bind", kind: "permanent", times: 1, applied: true });
    expect((await provisionGrant({ ctx: s.ctx, input: { grantId: s.grant.id } })).status).toBe("failed");
    expect(await bindingsOf(h.db, s.target.id)).toEqual([]);
    await expectNotUsable(h.db, s, new Date());
    await settle(h.db, org.org.id);
    await expectInvariants(h.db, org.org.id, { rolesCollected: true });
  });
});
