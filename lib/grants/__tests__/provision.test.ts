import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { grants } from "@/db/schema";
import { clearSandboxFaults, injectSandboxFault, isAllowed } from "@/lib/clouds/sandbox";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { MAX_ATTEMPTS } from "../backoff";
import { provisionGrant } from "../provision";
import { auditActions, bindingsOf, grantRow, roleRow, scheduledGrant } from "./fixtures";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());
afterEach(() => clearSandboxFaults());

describe("provisionGrant", () => {
  it("makes a scheduled grant active with a binding that expires with it, and keeps the evidence", async () => {
    const org = await createTestOrg(h.db);
    const { grant, ctx, target, principal } = await scheduledGrant(h.db, org, { durationSeconds: 600 });
    const before = Date.now();
    const out = await provisionGrant({ ctx, input: { grantId: grant.id } });
    expect(out.status).toBe("active");
    const row = await grantRow(h.db, grant.id);
    expect(row.activatedAt).not.toBeNull();
    expect(row.expiresAt!.getTime()).toBeGreaterThanOrEqual(before + 600_000);
    expect(row.expiresAt!.getTime()).toBeLessThan(Date.now() + 600_000 + 1);
    const ev = row.evidence.provision!;
    expect(ev.bindingId).toBe(`elevate-${grant.id}`);
    expect(ev.requestIds).toHaveLength(3);
    for (const id of ev.requestIds) expect(id).toMatch(/^sbx-/);
    expect(ev.inspected).toMatchObject({ present: true, notAfter: row.expiresAt!.toISOString() });
    const [binding] = await bindingsOf(h.db, target.id);
    expect(binding.notAfter.getTime()).toBe(row.expiresAt!.getTime());
    expect(await isAllowed(h.db, target.id, principal, "s3:GetObject", new Date())).toBe(true);
    expect((await roleRow(h.db, target.id, grant.roleSpec.hash)).refCount).toBe(1);
    expect(await auditActions(h.db, org.org.id, grant.id)).toEqual(["grant.provisioning", "grant.activated"]);
  });

  it("is idempotent: running it again changes nothing and counts the role once", async () => {
    const org = await createTestOrg(h.db);
    const { grant, ctx, target } = await scheduledGrant(h.db, org);
    await provisionGrant({ ctx, input: { grantId: grant.id } });
    const again = await provisionGrant({ ctx, input: { grantId: grant.id } });
    expect(again.status).toBe("active");
    expect((await roleRow(h.db, target.id, grant.roleSpec.hash)).refCount).toBe(1);
    expect(await auditActions(h.db, org.org.id, grant.id)).toEqual(["grant.provisioning", "grant.activated"]);
  });

  it("retries a retryable failure later without counting the role twice, then activates", async () => {
    const org = await createTestOrg(h.db);
    const { grant, ctx, target } = await scheduledGrant(h.db, org);
    injectSandboxFault(target.id, { op: "bind", kind: "retryable", times: 1 });
    const first = await provisionGrant({ ctx, input: { grantId: grant.id } });
    expect(first).toMatchObject({
      status: "provisioning",
      attempts: 1,
      lastError: expect.stringContaining("retryable"),
    });
    expect(Date.parse(first.nextAttemptAt!)).toBeGreaterThan(Date.now());
    const second = await provisionGrant({ ctx, input: { grantId: grant.id } });
    expect(second.status).toBe("active");
    expect((await roleRow(h.db, target.id, grant.roleSpec.hash)).refCount).toBe(1);
    expect(await auditActions(h.db, org.org.id, grant.id)).toEqual([
      "grant.provisioning",
      "grant.provision_retry",
      "grant.activated",
    ]);
  });

  it("honours retry-after when the cloud throttles", async () => {
    const org = await createTestOrg(h.db);
    const { grant, ctx, target } = await scheduledGrant(h.db, org);
    injectSandboxFault(target.id, { op: "ensureRole", kind: "throttled", times: 1, retryAfterMs: 45_000 });
    const before = Date.now();
    const out = await provisionGrant({ ctx, input: { grantId: grant.id } });
    expect(out.status).toBe("provisioning");
    expect(Date.parse(out.nextAttemptAt!)).toBeGreaterThanOrEqual(before + 45_000);
  });

  it("a timeout after the bind happened still converges to one active binding", async () => {
    const org = await createTestOrg(h.db);
    const { grant, ctx, target } = await scheduledGrant(h.db, org);
    injectSandboxFault(target.id, { op: "bind", kind: "retryable", times: 1, applied: true });
    expect((await provisionGrant({ ctx, input: { grantId: grant.id } })).status).toBe("provisioning");
    expect((await provisionGrant({ ctx, input: { grantId: grant.id } })).status).toBe("active");
    expect(await bindingsOf(h.db, target.id)).toHaveLength(1);
  });

  it("a permanent failure ends failed with nothing left behind and the role reference released", async () => {
    const org = await createTestOrg(h.db);
    const { grant, ctx, target, principal } = await scheduledGrant(h.db, org);
    // The bind worked, the read-back is refused: the cleanup must remove the binding.
    injectSandboxFault(target.id, { op: "inspect", kind: "permanent", times: 1 });
    const out = await provisionGrant({ ctx, input: { grantId: grant.id } });
    expect(out.status).toBe("failed");
    expect(await bindingsOf(h.db, target.id)).toHaveLength(0);
    expect(await isAllowed(h.db, target.id, principal, "s3:GetObject", new Date())).toBe(false);
    const role = await roleRow(h.db, target.id, grant.roleSpec.hash);
    expect(role.refCount).toBe(0);
    expect(role.releasedAt).not.toBeNull();
    expect(await auditActions(h.db, org.org.id, grant.id)).toEqual(["grant.provisioning", "grant.failed"]);
    // The only grant of the request is terminal, so the request is complete.
    expect(await auditActions(h.db, org.org.id, grant.requestId)).toContain("request.completed");
  });

  it("gives up after the last retryable attempt, and a failed cleanup is resumed on the next run", async () => {
    const org = await createTestOrg(h.db);
    const { grant, ctx, target } = await scheduledGrant(h.db, org);
    injectSandboxFault(target.id, { op: "bind", kind: "retryable", times: MAX_ATTEMPTS, applied: true });
    injectSandboxFault(target.id, { op: "unbind", kind: "retryable", times: 1 });
    let out = await provisionGrant({ ctx, input: { grantId: grant.id } });
    for (let i = 1; i < MAX_ATTEMPTS; i++) out = await provisionGrant({ ctx, input: { grantId: grant.id } });
    expect(out).toMatchObject({ status: "provisioning", lastError: expect.stringContaining("cleanup") });
    expect(await bindingsOf(h.db, target.id)).toHaveLength(1);
    out = await provisionGrant({ ctx, input: { grantId: grant.id } });
    expect(out.status).toBe("failed");
    expect(await bindingsOf(h.db, target.id)).toHaveLength(0);
    expect((await roleRow(h.db, target.id, grant.roleSpec.hash)).refCount).toBe(0);
  });

  it("does not activate a grant whose revocation started while it was provisioning", async () => {
    const org = await createTestOrg(h.db);
    const { grant, ctx, target } = await scheduledGrant(h.db, org);
    injectSandboxFault(target.id, { op: "bind", kind: "retryable", times: 1 });
    await provisionGrant({ ctx, input: { grantId: grant.id } });
    await h.db
      .update(grants)
      .set({ status: "revoking", revokeReason: "test" })
      .where(eq(grants.id, grant.id));
    const out = await provisionGrant({ ctx, input: { grantId: grant.id } });
    expect(out.status).toBe("revoking");
    expect(await bindingsOf(h.db, target.id)).toHaveLength(0);
  });

  it("refuses people and answers NotFound for another org's grant", async () => {
    const org = await createTestOrg(h.db);
    const other = await createTestOrg(h.db);
    const { grant, ctx } = await scheduledGrant(h.db, org);
    const admin = await userCtx(h.db, org.users.admin);
    await expect(provisionGrant({ ctx: admin, input: { grantId: grant.id } })).rejects.toMatchObject({
      code: "forbidden",
    });
    const foreign = { ...ctx, orgId: other.org.id };
    await expect(provisionGrant({ ctx: foreign, input: { grantId: grant.id } })).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(provisionGrant({ ctx, input: { grantId: "nope" } })).rejects.toMatchObject({
      code: "validation",
    });
    expect((await grantRow(h.db, grant.id)).status).toBe("scheduled");
  });
});
