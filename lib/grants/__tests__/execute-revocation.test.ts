import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { accessRequests, sandboxBindings } from "@/db/schema";
import { clearSandboxFaults, injectSandboxFault, isAllowed } from "@/lib/clouds/sandbox";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { MAX_ATTEMPTS } from "../backoff";
import { executeRevocation } from "../execute-revocation";
import { provisionGrant } from "../provision";
import { auditActions, bindingsOf, grantRow, roleRow, scheduledGrant } from "./fixtures";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());
afterEach(() => clearSandboxFaults());

async function activeGrant(opts: Parameters<typeof scheduledGrant>[2] = {}) {
  const org = await createTestOrg(h.db);
  const s = await scheduledGrant(h.db, org, opts);
  expect((await provisionGrant({ ctx: s.ctx, input: { grantId: s.grant.id } })).status).toBe("active");
  const expiresAt = (await grantRow(h.db, s.grant.id)).expiresAt!;
  return { org, ...s, expiresAt, afterExpiry: new Date(expiresAt.getTime() + 1) };
}

const countOf = (actions: string[], a: string) => actions.filter((x) => x === a).length;

describe("executeRevocation", () => {
  it("leaves a grant alone before its expiry, and revokes it once due, with evidence", async () => {
    const { org, grant, ctx, target, principal, afterExpiry } = await activeGrant();
    expect((await executeRevocation({ ctx, input: { grantId: grant.id } })).status).toBe("active");
    const out = await executeRevocation({ ctx, input: { grantId: grant.id }, asOf: afterExpiry });
    expect(out.status).toBe("revoked");
    const row = await grantRow(h.db, grant.id);
    expect(row.revokeReason).toBe("expired");
    expect(row.revokedAt).not.toBeNull();
    expect(row.evidence.removal).toMatchObject({ inspected: { present: false } });
    expect(row.evidence.removal!.requestIds.every((id) => id.startsWith("sbx-"))).toBe(true);
    expect(row.evidence.provision).toBeDefined();
    expect(await bindingsOf(h.db, target.id)).toHaveLength(0);
    expect(await isAllowed(h.db, target.id, principal, "s3:GetObject", new Date())).toBe(false);
    const role = await roleRow(h.db, target.id, grant.roleSpec.hash);
    expect(role).toMatchObject({ refCount: 0, status: "active" });
    expect(role.releasedAt).not.toBeNull();
    const actions = await auditActions(h.db, org.org.id, grant.id);
    expect(actions.slice(-2)).toEqual(["grant.revoking", "grant.revoked"]);
    const [req] = await h.db.select().from(accessRequests).where(eq(accessRequests.id, grant.requestId));
    expect(req.status).toBe("completed");
    expect(await auditActions(h.db, org.org.id, grant.requestId)).toEqual(["request.completed"]);
  });

  it("revokes early when asked, with the reason", async () => {
    const { grant, ctx } = await activeGrant();
    await executeRevocation({ ctx, input: { grantId: grant.id, reason: "incident over" } });
    expect(await grantRow(h.db, grant.id)).toMatchObject({
      status: "revoked",
      revokeReason: "incident over",
    });
  });

  it("writes exactly one grant.revoked when run twice, one after the other or at the same time", async () => {
    const a = await activeGrant();
    await executeRevocation({ ctx: a.ctx, input: { grantId: a.grant.id, reason: "done" } });
    await executeRevocation({ ctx: a.ctx, input: { grantId: a.grant.id, reason: "done" } });
    expect(countOf(await auditActions(h.db, a.org.org.id, a.grant.id), "grant.revoked")).toBe(1);

    const b = await activeGrant();
    const outs = await Promise.all([
      executeRevocation({ ctx: b.ctx, input: { grantId: b.grant.id }, asOf: b.afterExpiry }),
      executeRevocation({ ctx: b.ctx, input: { grantId: b.grant.id }, asOf: b.afterExpiry }),
      executeRevocation({ ctx: b.ctx, input: { grantId: b.grant.id }, asOf: b.afterExpiry }),
    ]);
    expect(outs.map((o) => o.status)).toEqual(["revoked", "revoked", "revoked"]);
    const actions = await auditActions(h.db, b.org.org.id, b.grant.id);
    expect(countOf(actions, "grant.revoked")).toBe(1);
    expect(countOf(actions, "grant.revoking")).toBe(1);
    expect((await roleRow(h.db, b.target.id, b.grant.roleSpec.hash)).refCount).toBe(0);
  });

  it("a 403 on unbind goes revoke_stuck after the last attempt, keeps retrying, and ends revoked", async () => {
    const { org, grant, ctx, target, principal, afterExpiry } = await activeGrant();
    injectSandboxFault(target.id, { op: "unbind", kind: "permanent", times: MAX_ATTEMPTS });
    let out = await executeRevocation({ ctx, input: { grantId: grant.id }, asOf: afterExpiry });
    expect(out).toMatchObject({ status: "revoking", attempts: 1 });
    for (let i = 1; i < MAX_ATTEMPTS; i++)
      out = await executeRevocation({ ctx, input: { grantId: grant.id } });
    expect(out).toMatchObject({ status: "revoke_stuck", attempts: MAX_ATTEMPTS });
    expect(Date.parse(out.nextAttemptAt!)).toBeGreaterThan(Date.now());
    // Still bound (the cloud refused), but the cloud's own expiry condition is still in force.
    expect(await bindingsOf(h.db, target.id)).toHaveLength(1);
    out = await executeRevocation({ ctx, input: { grantId: grant.id } });
    expect(out.status).toBe("revoked");
    expect(await isAllowed(h.db, target.id, principal, "s3:GetObject", new Date())).toBe(false);
    const actions = await auditActions(h.db, org.org.id, grant.id);
    expect(countOf(actions, "grant.revoke_retry")).toBe(MAX_ATTEMPTS - 1);
    expect(countOf(actions, "grant.revoke_stuck")).toBe(1);
    expect(countOf(actions, "grant.revoked")).toBe(1);
  });

  it("treats not-found on unbind as done once the read-back shows the binding gone", async () => {
    const { grant, ctx, target } = await activeGrant();
    // Someone removed the binding by hand; the cloud then answers NoSuchEntity.
    await h.db.delete(sandboxBindings).where(eq(sandboxBindings.targetId, target.id));
    injectSandboxFault(target.id, { op: "unbind", kind: "not_found", times: 1 });
    const out = await executeRevocation({ ctx, input: { grantId: grant.id, reason: "test" } });
    expect(out.status).toBe("revoked");
  });

  it("does not believe a not-found while the read-back still sees the binding", async () => {
    const { grant, ctx, target } = await activeGrant();
    injectSandboxFault(target.id, { op: "unbind", kind: "not_found", times: 1 });
    expect((await executeRevocation({ ctx, input: { grantId: grant.id, reason: "x" } })).status).toBe(
      "revoking",
    );
    expect((await executeRevocation({ ctx, input: { grantId: grant.id } })).status).toBe("revoked");
  });

  it("overlapping grants with the same spec share one role and never cut each other off", async () => {
    const org = await createTestOrg(h.db);
    const one = await scheduledGrant(h.db, org);
    const two = await scheduledGrant(h.db, org);
    await provisionGrant({ ctx: one.ctx, input: { grantId: one.grant.id } });
    await provisionGrant({ ctx: two.ctx, input: { grantId: two.grant.id } });
    expect(one.grant.roleSpec.hash).toBe(two.grant.roleSpec.hash);
    expect((await roleRow(h.db, one.target.id, one.grant.roleSpec.hash)).refCount).toBe(2);
    expect(await bindingsOf(h.db, one.target.id)).toHaveLength(2);

    await executeRevocation({ ctx: one.ctx, input: { grantId: one.grant.id, reason: "done early" } });
    const role = await roleRow(h.db, one.target.id, one.grant.roleSpec.hash);
    expect(role.refCount).toBe(1);
    expect(role.releasedAt).toBeNull();
    // Same person, same permissions: the other grant's binding still lets them work.
    expect(await isAllowed(h.db, one.target.id, one.principal, "s3:GetObject", new Date())).toBe(true);
    expect((await grantRow(h.db, two.grant.id)).status).toBe("active");
  });

  it("revokes a grant that never got provisioned and refuses people without grants.revoke", async () => {
    const org = await createTestOrg(h.db);
    const { grant, ctx } = await scheduledGrant(h.db, org);
    const requester = await userCtx(h.db, org.users.requester);
    await expect(
      executeRevocation({ ctx: requester, input: { grantId: grant.id, reason: "x" } }),
    ).rejects.toMatchObject({
      code: "forbidden",
    });
    const other = await createTestOrg(h.db);
    await expect(
      executeRevocation({ ctx: { ...ctx, orgId: other.org.id }, input: { grantId: grant.id, reason: "x" } }),
    ).rejects.toMatchObject({ code: "not_found" });
    expect((await executeRevocation({ ctx, input: { grantId: grant.id, reason: "cancelled" } })).status).toBe(
      "revoked",
    );
    expect((await provisionGrant({ ctx, input: { grantId: grant.id } })).status).toBe("revoked");
  });
});
