import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { grants } from "@/db/schema";
import { systemCtx, tokenCtx, userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { approvedRequest, auditFor, counts, expectAppError } from "../../requests/__tests__/helpers";
import { revokeGrant } from "../revoke-grant";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

async function grantRow(id: string) {
  const [row] = await h.db.select().from(grants).where(eq(grants.id, id));
  return row;
}

describe("revokeGrant", () => {
  it("lets an admin revoke now: revoking, reason, due now, audited, dispatched after commit", async () => {
    const org = await createTestOrg(h.db);
    const { grant } = await approvedRequest(h.db, org);
    await h.db.update(grants).set({ status: "active" }).where(eq(grants.id, grant.id));
    const ctx = await userCtx(h.db, org.users.admin);
    const t0 = Date.now();
    const dto = await revokeGrant({ ctx, input: { grantId: grant.id, reason: " suspicious activity " } });

    expect(dto).toMatchObject({ id: grant.id, status: "revoking", revokeReason: "suspicious activity" });
    const row = await grantRow(grant.id);
    expect(row.nextAttemptAt!.getTime()).toBeGreaterThanOrEqual(t0 - 1000);
    expect(ctx.workflows.events).toEqual([
      { name: "grant.revoke.requested", orgId: org.org.id, grantId: grant.id },
    ]);
    const audit = await auditFor(h.db, org.org.id, grant.id);
    expect(audit.map((a) => a.action)).toEqual(["grant.scheduled", "grant.revoke_requested"]);
    expect(audit[1]).toMatchObject({
      actorId: org.users.admin.id,
      data: { by: "admin", from: "active", reason: "suspicious activity" },
    });
  });

  it("lets the grant's own user give it back early, also before it is provisioned", async () => {
    const org = await createTestOrg(h.db);
    const { grant } = await approvedRequest(h.db, org);
    const ctx = await tokenCtx(h.db, org.users.requester);
    const dto = await revokeGrant({ ctx, input: { grantId: grant.id, reason: "done early" } });
    expect(dto.status).toBe("revoking");
    expect((await auditFor(h.db, org.org.id, grant.id)).at(-1)).toMatchObject({
      data: { by: "owner", from: "scheduled" },
    });
    expect(ctx.workflows.events).toHaveLength(1);
  });

  it("is idempotent: revoking a revoking or revoked grant succeeds without a second event", async () => {
    const org = await createTestOrg(h.db);
    const { grant } = await approvedRequest(h.db, org);
    const admin = await userCtx(h.db, org.users.admin);
    await revokeGrant({ ctx: admin, input: { grantId: grant.id, reason: "first" } });
    const again = await revokeGrant({ ctx: admin, input: { grantId: grant.id, reason: "second" } });
    expect(again).toMatchObject({ status: "revoking", revokeReason: "first" });

    await h.db
      .update(grants)
      .set({ status: "revoked", revokedAt: new Date() })
      .where(eq(grants.id, grant.id));
    const owner = await userCtx(h.db, org.users.requester);
    expect((await revokeGrant({ ctx: owner, input: { grantId: grant.id, reason: "third" } })).status).toBe(
      "revoked",
    );

    expect((await auditFor(h.db, org.org.id, grant.id)).map((a) => a.action)).toEqual([
      "grant.scheduled",
      "grant.revoke_requested",
    ]);
    expect(admin.workflows.events).toHaveLength(1);
    expect(owner.workflows.events).toHaveLength(0);
  });

  it("refuses a failed grant (nothing to revoke) with a conflict", async () => {
    const org = await createTestOrg(h.db);
    const { grant } = await approvedRequest(h.db, org);
    await h.db.update(grants).set({ status: "failed" }).where(eq(grants.id, grant.id));
    await expectAppError(
      revokeGrant({ ctx: await userCtx(h.db, org.users.admin), input: { grantId: grant.id, reason: "x" } }),
      "conflict",
    );
  });

  it("refuses a stranger without grants.revoke (NotFound unless they may see it), and changes nothing", async () => {
    const org = await createTestOrg(h.db);
    const { grant } = await approvedRequest(h.db, org);
    const before = await counts(h.db, org.org.id);
    // Approvers may not see the grant, so its existence is not confirmed; the auditor may, so is told no.
    for (const [who, code] of [
      ["approver", "not_found"],
      ["approver2", "not_found"],
      ["auditor", "forbidden"],
    ] as const) {
      const ctx = await userCtx(h.db, org.users[who]);
      await expectAppError(revokeGrant({ ctx, input: { grantId: grant.id, reason: "mine now" } }), code);
      expect(ctx.workflows.events).toEqual([]);
    }
    expect(await counts(h.db, org.org.id)).toEqual(before);
    expect((await grantRow(grant.id)).status).toBe("scheduled");
  });

  it("lets the system revoke (expiry jobs act as the system)", async () => {
    const org = await createTestOrg(h.db);
    const { grant } = await approvedRequest(h.db, org);
    const dto = await revokeGrant({
      ctx: systemCtx(h.db, org.org.id),
      input: { grantId: grant.id, reason: "expired" },
    });
    expect(dto.status).toBe("revoking");
    expect((await auditFor(h.db, org.org.id, grant.id)).at(-1)).toMatchObject({
      actorId: "test",
      data: { by: "system" },
    });
  });

  it("answers 404 for another org's grant, even to its admin, and validates the reason", async () => {
    const org = await createTestOrg(h.db);
    const other = await createTestOrg(h.db);
    const { grant } = await approvedRequest(h.db, other);
    const before = await counts(h.db, other.org.id);
    const ctx = await userCtx(h.db, org.users.admin);
    await expectAppError(revokeGrant({ ctx, input: { grantId: grant.id, reason: "x" } }), "not_found");
    await expectAppError(
      revokeGrant({ ctx: systemCtx(h.db, org.org.id), input: { grantId: grant.id, reason: "x" } }),
      "not_found",
    );
    expect(await counts(h.db, other.org.id)).toEqual(before);
    await expectAppError(
      revokeGrant({ ctx, input: { grantId: grant.id, reason: "   " } }),
      "validation",
      "reason",
    );
    await expectAppError(
      revokeGrant({ ctx, input: { grantId: grant.id, reason: "x".repeat(501) } }),
      "validation",
      "reason",
    );
  });
});
