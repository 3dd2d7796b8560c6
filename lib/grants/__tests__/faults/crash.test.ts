import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { clearSandboxFaults, injectSandboxFault, type SandboxOp } from "@/lib/clouds/sandbox";
import { revokeGrant } from "@/lib/grants/revoke-grant";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { LEASE_MS, MAX_ATTEMPTS } from "../../backoff";
import { executeRevocation } from "../../execute-revocation";
import { provisionGrant } from "../../provision";
import { bindingsOf, grantRow, roleRow, scheduledGrant } from "../fixtures";
import { crashAt, disarmCrash } from "./crash-points";
import { activeGrant, auditCount, expectInvariants, expectNotUsable, settle } from "./invariants";

// Every adapter the grant verbs obtain carries the crash points (unarmed, calls go straight through).
vi.mock("@/lib/clouds/registry", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/clouds/registry")>();
  const { withCrashPoints } = await import("@/lib/grants/__tests__/faults/crash-points");
  return {
    ...real,
    adapterFor: (...args: Parameters<typeof real.adapterFor>) => withCrashPoints(real.adapterFor(...args)),
  };
});

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());
afterEach(() => {
  clearSandboxFaults();
  disarmCrash();
});

/** Just after the dead process's lease lapses: the first moment another worker may take the grant over. */
const leaseOver = () => new Date(Date.now() + LEASE_MS + 1000);

describe("a crash after a cloud call, before the database commit", () => {
  it.each<[string, SandboxOp, "before" | "after"]>([
    ["after the claim, before ensureRole", "ensureRole", "before"],
    ["after ensureRole", "ensureRole", "after"],
    ["after bind", "bind", "after"],
    ["after the read-back, before the activation commits", "inspect", "after"],
  ])(
    "simulated crash while provisioning %s: two reconcile passes converge to active",
    async (_, op, when) => {
      const org = await createTestOrg(h.db);
      const s = await scheduledGrant(h.db, org);
      const crashed = crashAt(op, when);
      void provisionGrant({ ctx: s.ctx, input: { grantId: s.grant.id } });
      await crashed;
      expect((await grantRow(h.db, s.grant.id)).status).toBe("provisioning");
      await expectInvariants(h.db, org.org.id);

      // While the dead process's lease runs, nobody touches the grant (and drift keeps its binding).
      const early = await settle(h.db, org.org.id);
      expect(early.first.provisioned + early.second.provisioned).toBe(0);
      expect(early.first.drift.removed).toBe(0);
      await settle(h.db, org.org.id, leaseOver());
      const g = await grantRow(h.db, s.grant.id);
      expect(g.status).toBe("active");
      const [binding] = await bindingsOf(h.db, s.target.id);
      expect(binding.notAfter.getTime()).toBe(g.expiresAt!.getTime());
      expect((await roleRow(h.db, s.target.id, s.grant.roleSpec.hash)).refCount).toBe(1);
      await expectInvariants(h.db, org.org.id, { rolesCollected: true });

      await expectNotUsable(h.db, s, g.expiresAt!);
      await settle(h.db, org.org.id, new Date(g.expiresAt!.getTime() + 1));
      expect((await grantRow(h.db, s.grant.id)).status).toBe("revoked");
      await expectInvariants(h.db, org.org.id, { rolesCollected: true });
    },
  );

  it("simulated crash after bind, then a revoke before anyone resumed: revoked with nothing left", async () => {
    const org = await createTestOrg(h.db);
    const s = await scheduledGrant(h.db, org);
    const crashed = crashAt("bind", "after");
    void provisionGrant({ ctx: s.ctx, input: { grantId: s.grant.id } });
    await crashed;
    await revokeGrant({
      ctx: await userCtx(h.db, org.users.admin),
      input: { grantId: s.grant.id, reason: "no" },
    });
    await settle(h.db, org.org.id);
    expect((await grantRow(h.db, s.grant.id)).status).toBe("revoked");
    expect(await bindingsOf(h.db, s.target.id)).toEqual([]);
    await expectNotUsable(h.db, s, new Date());
    await expectInvariants(h.db, org.org.id, { rolesCollected: true });
  });

  it("simulated crash while cleaning up a failed provisioning (after unbind): resumed cleanup ends failed", async () => {
    const org = await createTestOrg(h.db);
    const s = await scheduledGrant(h.db, org);
    injectSandboxFault(s.target.id, { op: "bind", kind: "permanent", times: 1, applied: true });
    const crashed = crashAt("unbind", "after");
    void provisionGrant({ ctx: s.ctx, input: { grantId: s.grant.id } });
    await crashed;
    expect(await grantRow(h.db, s.grant.id)).toMatchObject({
      status: "provisioning",
      attempts: MAX_ATTEMPTS,
    });
    await settle(h.db, org.org.id, new Date(Date.now() + 10 * 60_000));
    expect((await grantRow(h.db, s.grant.id)).status).toBe("failed");
    expect(await bindingsOf(h.db, s.target.id)).toEqual([]);
    expect((await roleRow(h.db, s.target.id, s.grant.roleSpec.hash)).refCount).toBe(0);
    await expectInvariants(h.db, org.org.id, { rolesCollected: true });
  });

  it.each<[string, SandboxOp, "before" | "after"]>([
    ["before unbind", "unbind", "before"],
    ["after unbind", "unbind", "after"],
    ["after the read-back, before the revocation commits", "inspect", "after"],
  ])(
    "simulated crash while revoking %s: the reconciler finishes it, one grant.revoked",
    async (_, op, when) => {
      const s = await activeGrant(h.db, 60);
      const crashed = crashAt(op, when);
      void executeRevocation({ ctx: s.ctx, input: { grantId: s.grant.id }, asOf: s.afterExpiry });
      await crashed;
      expect((await grantRow(h.db, s.grant.id)).status).toBe("revoking");
      await expectNotUsable(h.db, s, s.afterExpiry);
      await expectInvariants(h.db, s.org.org.id);

      await settle(h.db, s.org.org.id, new Date(Math.max(leaseOver().getTime(), s.afterExpiry.getTime())));
      expect((await grantRow(h.db, s.grant.id)).status).toBe("revoked");
      expect(await auditCount(h.db, s.org.org.id, s.grant.id, "grant.revoked")).toBe(1);
      await expectNotUsable(h.db, s, new Date());
      await expectInvariants(h.db, s.org.org.id, { rolesCollected: true });
    },
  );
});
