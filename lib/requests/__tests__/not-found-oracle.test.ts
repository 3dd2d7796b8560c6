import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { grants, groups, memberships } from "@/db/schema";
import type { SeededOrg } from "@/db/seed/org";
import type { AppError } from "@/lib/errors";
import { grantRow, scheduledGrant } from "@/lib/grants/__tests__/fixtures";
import { tokenCtx, userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { extendGrant } from "../../grants/extend-grant";
import { getGrant } from "../../grants/get-grant";
import { revokeGrant } from "../../grants/revoke-grant";
import { cancelRequest } from "../cancel";
import { decideRequest } from "../decide";
import { getRequest } from "../get-request";
import { counts, expectAppError } from "./helpers";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

/** The requester's grant, active for an hour (set directly: only the database side matters here). */
async function activeGrantOf(org: SeededOrg) {
  const s = await scheduledGrant(h.db, org);
  const now = Date.now();
  await h.db
    .update(grants)
    .set({ status: "active", activatedAt: new Date(now), expiresAt: new Date(now + 3_600_000) })
    .where(eq(grants.id, s.grant.id));
  return s.grant.id;
}

/** An error must say no more than the one an unknown id gets: same code, same message. */
async function expectSameAsUnknown(act: (id: string) => Promise<unknown>, id: string): Promise<AppError> {
  const err = await expectAppError(act(id), "not_found");
  const unknown = await expectAppError(act(randomUUID()), "not_found");
  expect(err.message).toBe(unknown.message);
  return err;
}

describe("another user's grant", () => {
  it("answers NotFound, like an unknown id, to GET, revoke, give back and extend; nothing changes", async () => {
    const org = await createTestOrg(h.db);
    const grantId = await activeGrantOf(org);
    const before = { counts: await counts(h.db, org.org.id), row: await grantRow(h.db, grantId) };
    // Approvers hold grants.read.own only: someone else's grant is not theirs to see.
    for (const ctx of [await userCtx(h.db, org.users.approver), await tokenCtx(h.db, org.users.approver2)]) {
      await expectSameAsUnknown((id) => getGrant({ ctx, input: { grantId: id } }), grantId);
      await expectSameAsUnknown((id) => revokeGrant({ ctx, input: { grantId: id, reason: "x" } }), grantId);
      await expectSameAsUnknown(
        (id) => revokeGrant({ ctx, input: { grantId: id, reason: "given back early" } }),
        grantId,
      );
      await expectSameAsUnknown(
        (id) => extendGrant({ ctx, input: { grantId: id, minutes: 15, reason: "x" } }),
        grantId,
      );
      expect(ctx.workflows.events).toEqual([]);
    }
    expect(await counts(h.db, org.org.id)).toEqual(before.counts);
    expect(await grantRow(h.db, grantId)).toEqual(before.row);
  });

  it("answers Forbidden to someone who may see it but not act (an auditor); an admin still acts", async () => {
    const org = await createTestOrg(h.db);
    const grantId = await activeGrantOf(org);
    const auditor = await userCtx(h.db, org.users.auditor);
    expect((await getGrant({ ctx: auditor, input: { grantId } })).id).toBe(grantId);
    await expectAppError(revokeGrant({ ctx: auditor, input: { grantId, reason: "x" } }), "forbidden");
    await expectAppError(
      extendGrant({ ctx: auditor, input: { grantId, minutes: 15, reason: "x" } }),
      "forbidden",
    );

    const admin = await userCtx(h.db, org.users.admin);
    expect((await getGrant({ ctx: admin, input: { grantId } })).id).toBe(grantId);
    const extended = await extendGrant({ ctx: admin, input: { grantId, minutes: 15, reason: "incident" } });
    expect(extended.id).toBe(grantId);
    expect((await revokeGrant({ ctx: admin, input: { grantId, reason: "done" } })).status).toBe("revoking");
  });

  it("still lets its own user give it back", async () => {
    const org = await createTestOrg(h.db);
    const grantId = await activeGrantOf(org);
    const owner = await userCtx(h.db, org.users.requester);
    const dto = await revokeGrant({ ctx: owner, input: { grantId, reason: "given back early" } });
    expect(dto.status).toBe("revoking");
  });
});

describe("another user's request", () => {
  /** A pending request by the approver; the requester is not in the approver group. */
  async function pendingOfApprover(org: SeededOrg) {
    const s = await scheduledGrant(h.db, org, { user: "approver", requestStatus: "pending" });
    return s.request.id;
  }

  it("answers NotFound, like an unknown id, to GET and cancel for someone who may not see it", async () => {
    const org = await createTestOrg(h.db);
    const requestId = await pendingOfApprover(org);
    const before = await counts(h.db, org.org.id);
    const requester = await userCtx(h.db, org.users.requester);
    await expectSameAsUnknown((id) => getRequest({ ctx: requester, input: { requestId: id } }), requestId);
    await expectSameAsUnknown((id) => cancelRequest({ ctx: requester, input: { requestId: id } }), requestId);
    expect(await counts(h.db, org.org.id)).toEqual(before);

    // A member of the approver group sees it, so is told why they cannot cancel it.
    const approver2 = await userCtx(h.db, org.users.approver2);
    await expectAppError(cancelRequest({ ctx: approver2, input: { requestId } }), "forbidden");
    const admin = await userCtx(h.db, org.users.admin);
    expect((await getRequest({ ctx: admin, input: { requestId } })).id).toBe(requestId);
  });

  it("answers NotFound to a decision by an approver outside its group; Forbidden to one who may see it", async () => {
    const org = await createTestOrg(h.db);
    const requestId = await pendingOfApprover(org);
    // Loaded while still a member (a session from before the removal): it still holds requests.approve.
    const outsider = await userCtx(h.db, org.users.approver2);
    const [g] = await h.db
      .select()
      .from(groups)
      .where(and(eq(groups.orgId, org.org.id), eq(groups.name, "approvers")));
    await h.db
      .delete(memberships)
      .where(and(eq(memberships.groupId, g.id), eq(memberships.userId, org.users.approver2.id)));
    const before = await counts(h.db, org.org.id);
    const err = await expectSameAsUnknown(
      (id) => decideRequest({ ctx: outsider, input: { requestId: id, verdict: "approve" } }),
      requestId,
    );
    expect(err.message).not.toContain("approvers");
    // The admin holds requests.read.all: it may see the request, so it is told why it may not decide.
    const admin = await userCtx(h.db, org.users.admin);
    await expectAppError(
      decideRequest({ ctx: admin, input: { requestId, verdict: "approve" } }),
      "forbidden",
    );
    expect(await counts(h.db, org.org.id)).toEqual(before);
  });
});
