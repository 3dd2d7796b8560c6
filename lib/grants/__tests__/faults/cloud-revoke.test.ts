import { and, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { sandboxBindings } from "@/db/schema";
import { clearSandboxFaults, injectSandboxFault, type SandboxOp } from "@/lib/clouds/sandbox";
import { logger } from "@/lib/log";
import { openTestDb } from "@/lib/testing/db";
import { MAX_ATTEMPTS } from "../../backoff";
import { executeRevocation } from "../../execute-revocation";
import { reconcileOnce } from "../../reconcile";
import { grantRow, roleRow } from "../fixtures";
import {
  activeGrant,
  auditCount,
  expectInvariants,
  expectNotUsable,
  expectUsable,
  settle,
} from "./invariants";

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

describe("cloud faults while revoking", () => {
  it.each<SandboxOp>(["unbind", "inspect"])(
    "5xx on %s at expiry: retried until revoked; the cloud condition already denies use after expiry",
    async (op) => {
      const s = await activeGrant(h.db, 60);
      injectSandboxFault(s.target.id, { op, kind: "retryable", times: 1 });
      const first = await reconcileOnce({ db: h.db, orgId: s.org.org.id, now: s.afterExpiry });
      expect(first.expired).toBe(1);
      expect((await grantRow(h.db, s.grant.id)).status).toBe("revoking");
      await expectNotUsable(h.db, s, s.afterExpiry);
      await settle(h.db, s.org.org.id, new Date(s.afterExpiry.getTime() + 2 * MIN));
      expect((await grantRow(h.db, s.grant.id)).status).toBe("revoked");
      await expectInvariants(h.db, s.org.org.id, { rolesCollected: true });
    },
  );

  it("throttling with retry-after on unbind: waits for retry-after, then revoked", async () => {
    const s = await activeGrant(h.db);
    const before = Date.now();
    injectSandboxFault(s.target.id, { op: "unbind", kind: "throttled", times: 1, retryAfterMs: 20 * SEC });
    const out = await executeRevocation({ ctx: s.ctx, input: { grantId: s.grant.id, reason: "done" } });
    expect(out.status).toBe("revoking");
    expect(Date.parse(out.nextAttemptAt!)).toBeGreaterThanOrEqual(before + 20 * SEC);
    expect((await reconcileOnce({ db: h.db, orgId: s.org.org.id, now: later(10 * SEC) })).retried).toBe(0);
    expect((await reconcileOnce({ db: h.db, orgId: s.org.org.id, now: later(21 * SEC) })).retried).toBe(1);
    expect((await grantRow(h.db, s.grant.id)).status).toBe("revoked");
    await expectInvariants(h.db, s.org.org.id);
  });

  it("timeout after the cloud applied unbind: access is already gone; the retry records one revocation", async () => {
    const s = await activeGrant(h.db);
    injectSandboxFault(s.target.id, { op: "unbind", kind: "retryable", times: 1, applied: true });
    expect(
      (await executeRevocation({ ctx: s.ctx, input: { grantId: s.grant.id, reason: "done" } })).status,
    ).toBe("revoking");
    await expectNotUsable(h.db, s, new Date());
    await settle(h.db, s.org.org.id, later(2 * MIN));
    expect((await grantRow(h.db, s.grant.id)).status).toBe("revoked");
    expect(await auditCount(h.db, s.org.org.id, s.grant.id, "grant.revoke_retry")).toBe(1);
    await expectInvariants(h.db, s.org.org.id, { rolesCollected: true });
  });

  it("403 on revoke: revoke_stuck after the last attempt, alerts, and is retried until it succeeds", async () => {
    const s = await activeGrant(h.db, 60);
    const alerts = vi.spyOn(logger, "error");
    const failures = MAX_ATTEMPTS + 2;
    injectSandboxFault(s.target.id, { op: "unbind", kind: "permanent", times: failures });
    await executeRevocation({ ctx: s.ctx, input: { grantId: s.grant.id, reason: "incident" } });
    for (let attempt = 2; attempt <= failures; attempt++) {
      await reconcileOnce({ db: h.db, orgId: s.org.org.id, now: later(2 * MIN) });
      const g = await grantRow(h.db, s.grant.id);
      expect(g.attempts).toBe(attempt);
      expect(g.status).toBe(attempt >= MAX_ATTEMPTS ? "revoke_stuck" : "revoking");
      // Still bound while stuck: the cloud's own expiry condition is what holds the line.
      await expectUsable(h.db, s, new Date());
      await expectNotUsable(h.db, s, s.afterExpiry);
    }
    const stuckAlerts = alerts.mock.calls.filter(
      ([fields]) => typeof fields === "object" && fields !== null && "alert" in fields,
    );
    expect(stuckAlerts.length).toBe(failures - MAX_ATTEMPTS + 1);
    expect(await auditCount(h.db, s.org.org.id, s.grant.id, "grant.revoke_stuck")).toBe(1);
    await expectInvariants(h.db, s.org.org.id);

    await reconcileOnce({ db: h.db, orgId: s.org.org.id, now: later(2 * MIN) });
    expect((await grantRow(h.db, s.grant.id)).status).toBe("revoked");
    await expectNotUsable(h.db, s, new Date());
    await settle(h.db, s.org.org.id, later(2 * MIN));
    await expectInvariants(h.db, s.org.org.id, { rolesCollected: true });
  });

  it("not-found on revoke when the binding is already gone: revoked at once", async () => {
    const s = await activeGrant(h.db);
    // Someone removed the binding by hand; the cloud answers "no such entity".
    await h.db
      .delete(sandboxBindings)
      .where(
        and(
          eq(sandboxBindings.targetId, s.target.id),
          eq(sandboxBindings.bindingId, `elevate-${s.grant.id}`),
        ),
      );
    injectSandboxFault(s.target.id, { op: "unbind", kind: "not_found", times: 1 });
    const out = await executeRevocation({ ctx: s.ctx, input: { grantId: s.grant.id, reason: "done" } });
    expect(out.status).toBe("revoked");
    expect((await grantRow(h.db, s.grant.id)).evidence.removal).toMatchObject({
      inspected: { present: false },
    });
    await settle(h.db, s.org.org.id);
    await expectInvariants(h.db, s.org.org.id, { rolesCollected: true });
  });

  it("not-found on revoke while the binding is still there: the read-back refuses it and the retry removes it", async () => {
    const s = await activeGrant(h.db);
    injectSandboxFault(s.target.id, { op: "unbind", kind: "not_found", times: 1 });
    const out = await executeRevocation({ ctx: s.ctx, input: { grantId: s.grant.id, reason: "done" } });
    expect(out.status).toBe("revoking");
    await settle(h.db, s.org.org.id, later(2 * MIN));
    expect((await grantRow(h.db, s.grant.id)).status).toBe("revoked");
    await expectNotUsable(h.db, s, new Date());
    await expectInvariants(h.db, s.org.org.id, { rolesCollected: true });
  });

  it("5xx on deleteRole: the unused role is collected on a later pass", async () => {
    const s = await activeGrant(h.db);
    await executeRevocation({ ctx: s.ctx, input: { grantId: s.grant.id, reason: "done" } });
    injectSandboxFault(s.target.id, { op: "deleteRole", kind: "retryable", times: 1, applied: true });
    const pass = () => reconcileOnce({ db: h.db, orgId: s.org.org.id, roleGraceMs: 0, now: later(MIN) });
    expect((await pass()).rolesDeleted).toBe(0);
    expect((await pass()).rolesDeleted).toBe(1);
    expect((await roleRow(h.db, s.target.id, s.grant.roleSpec.hash)).status).toBe("deleted");
    await expectInvariants(h.db, s.org.org.id, { rolesCollected: true });
  });
});
