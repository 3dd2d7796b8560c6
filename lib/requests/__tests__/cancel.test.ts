import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { systemCtx, tokenCtx, userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { cancelRequest } from "../cancel";
import { decideRequest } from "../decide";
import { auditFor, counts, expectAppError, submitAs } from "./helpers";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

describe("cancelRequest", () => {
  it("lets the requester cancel a pending request, once, audited in the same transaction", async () => {
    const org = await createTestOrg(h.db);
    const req = await submitAs(h.db, org);
    const ctx = await userCtx(h.db, org.users.requester);
    const dto = await cancelRequest({ ctx, input: { requestId: req.id } });
    expect(dto.status).toBe("cancelled");
    expect((await auditFor(h.db, org.org.id, req.id)).map((a) => a.action)).toEqual([
      "request.submitted",
      "request.cancelled",
    ]);

    // Cancelling again is success and records nothing new.
    const again = await cancelRequest({
      ctx: await tokenCtx(h.db, org.users.requester),
      input: { requestId: req.id },
    });
    expect(again.status).toBe("cancelled");
    expect(await auditFor(h.db, org.org.id, req.id)).toHaveLength(2);
    expect(ctx.workflows.events).toEqual([]);
  });

  it("refuses anyone but the requester, admins and the system included, and changes nothing", async () => {
    const org = await createTestOrg(h.db);
    const req = await submitAs(h.db, org);
    const before = await counts(h.db, org.org.id);
    for (const ctx of [
      await userCtx(h.db, org.users.admin),
      await userCtx(h.db, org.users.approver),
      systemCtx(h.db, org.org.id),
    ]) {
      await expectAppError(cancelRequest({ ctx, input: { requestId: req.id } }), "forbidden");
    }
    expect(await counts(h.db, org.org.id)).toEqual(before);
  });

  it("refuses once the request is decided", async () => {
    const org = await createTestOrg(h.db);
    const req = await submitAs(h.db, org);
    await decideRequest({
      ctx: await userCtx(h.db, org.users.approver),
      input: { requestId: req.id, verdict: "approve" },
    });
    const before = await counts(h.db, org.org.id);
    const err = await expectAppError(
      cancelRequest({ ctx: await userCtx(h.db, org.users.requester), input: { requestId: req.id } }),
      "conflict",
    );
    expect(err.message).toContain("approved");
    expect(await counts(h.db, org.org.id)).toEqual(before);
  });

  it("answers 404 for another org's request, and names a bad id", async () => {
    const org = await createTestOrg(h.db);
    const other = await createTestOrg(h.db);
    const req = await submitAs(h.db, other);
    const ctx = await userCtx(h.db, org.users.requester);
    await expectAppError(cancelRequest({ ctx, input: { requestId: req.id } }), "not_found");
    await expectAppError(cancelRequest({ ctx, input: { requestId: "nope" } }), "validation", "requestId");
    expect((await auditFor(h.db, other.org.id, req.id)).map((a) => a.action)).toEqual(["request.submitted"]);
  });
});
