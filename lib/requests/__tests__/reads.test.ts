import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { accessRequests, grants } from "@/db/schema";
import { systemCtx, userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { getGrant } from "../../grants/get-grant";
import { listGrants } from "../../grants/list-grants";
import { decideRequest } from "../decide";
import { getRequest } from "../get-request";
import { listInbox } from "../list-inbox";
import { listRequests } from "../list-requests";
import { approvedRequest, expectAppError, submitAs } from "./helpers";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

describe("getRequest", () => {
  it("shows a request to its requester, its approver group and read-all holders; 404 to others", async () => {
    const org = await createTestOrg(h.db);
    const req = await submitAs(h.db, org);
    for (const who of ["requester", "approver", "approver2", "auditor", "admin"] as const) {
      const dto = await getRequest({
        ctx: await userCtx(h.db, org.users[who]),
        input: { requestId: req.id },
      });
      expect(dto.id).toBe(req.id);
    }
    const theirs = await submitAs(h.db, org, "approver2");
    // The requester persona is neither the owner nor in "approvers".
    await expectAppError(
      getRequest({ ctx: await userCtx(h.db, org.users.requester), input: { requestId: theirs.id } }),
      "not_found",
    );
    expect((await getRequest({ ctx: systemCtx(h.db, org.org.id), input: { requestId: theirs.id } })).id).toBe(
      theirs.id,
    );
  });

  it("answers 404 across orgs, even to an admin", async () => {
    const org = await createTestOrg(h.db);
    const other = await createTestOrg(h.db);
    const req = await submitAs(h.db, other);
    await expectAppError(
      getRequest({ ctx: await userCtx(h.db, org.users.admin), input: { requestId: req.id } }),
      "not_found",
    );
  });
});

describe("listRequests", () => {
  it("scopes to mine or all, needs requests.read.all for all, and filters", async () => {
    const org = await createTestOrg(h.db);
    const other = await createTestOrg(h.db);
    const a = await submitAs(h.db, org);
    const b = await submitAs(h.db, org, "approver2", {
      targetId: org.targets.gcp.id,
      resource: "us-central1-a/vm-1",
    });
    await submitAs(h.db, other);
    await decideRequest({
      ctx: await userCtx(h.db, org.users.approver),
      input: { requestId: a.id, verdict: "approve" },
    });

    const requester = await userCtx(h.db, org.users.requester);
    const mine = await listRequests({ ctx: requester, input: { scope: "mine" } });
    expect(mine.items.map((r) => r.id)).toEqual([a.id]);
    expect(mine.items[0].grants).toHaveLength(1);
    expect(mine.items[0].approvals).toHaveLength(1);
    expect(mine.nextCursor).toBeNull();
    await expectAppError(listRequests({ ctx: requester, input: { scope: "all" } }), "forbidden");
    await expectAppError(
      listRequests({ ctx: systemCtx(h.db, org.org.id), input: { scope: "mine" } }),
      "forbidden",
    );

    const auditor = await userCtx(h.db, org.users.auditor);
    const all = await listRequests({ ctx: auditor, input: { scope: "all" } });
    expect(all.items.map((r) => r.id)).toEqual([b.id, a.id]);
    expect(
      (await listRequests({ ctx: auditor, input: { scope: "all", status: "pending" } })).items.map(
        (r) => r.id,
      ),
    ).toEqual([b.id]);
    expect(
      (await listRequests({ ctx: auditor, input: { scope: "all", targetId: org.targets.aws.id } })).items.map(
        (r) => r.id,
      ),
    ).toEqual([a.id]);
    await expectAppError(
      listRequests({ ctx: auditor, input: { scope: "all", status: "bogus" as never } }),
      "validation",
      "status",
    );
    await expectAppError(
      listRequests({ ctx: auditor, input: { scope: "all", limit: 0 } }),
      "validation",
      "limit",
    );
    await expectAppError(
      listRequests({ ctx: auditor, input: { scope: "all", limit: 201 } }),
      "validation",
      "limit",
    );
  });

  it("pages with an opaque keyset cursor, newest first, without gaps or repeats (ties included)", async () => {
    const org = await createTestOrg(h.db);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await submitAs(h.db, org)).id);
    // Two rows with the very same instant (microseconds included): the id breaks the tie.
    const same = new Date("2030-01-01T00:00:00.000Z");
    await h.db.update(accessRequests).set({ createdAt: same }).where(eq(accessRequests.id, ids[5]));
    await h.db.update(accessRequests).set({ createdAt: same }).where(eq(accessRequests.id, ids[6]));

    const ctx = await userCtx(h.db, org.users.requester);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listRequests({ ctx, input: { scope: "mine", limit: "3", cursor } });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(7);
    const all = (await listRequests({ ctx, input: { scope: "mine", limit: 200 } })).items.map((r) => r.id);
    expect(seen).toEqual(all);
    expect(all.slice(0, 2).sort()).toEqual([ids[5], ids[6]].sort());
  });

  it("rejects a forged cursor by name rather than failing in the database", async () => {
    const org = await createTestOrg(h.db);
    const ctx = await userCtx(h.db, org.users.requester);
    const forged = [
      "garbage",
      Buffer.from("2025-02-30T00:00:00.000000Z|00000000-0000-4000-8000-000000000000").toString("base64url"),
      Buffer.from("2025-01-01T00:00:00.000000Z|'; drop table users; --").toString("base64url"),
    ];
    for (const cursor of forged) {
      await expectAppError(listRequests({ ctx, input: { scope: "mine", cursor } }), "validation", "cursor");
    }
  });
});

describe("listInbox", () => {
  it("lists pending requests of my groups, not my own, not ones I decided, newest first", async () => {
    const org = await createTestOrg(h.db, { approvalsRequired: 2 });
    const r1 = await submitAs(h.db, org);
    const r2 = await submitAs(h.db, org);
    const own = await submitAs(h.db, org, "approver");
    const approver = await userCtx(h.db, org.users.approver);
    const approver2 = await userCtx(h.db, org.users.approver2);

    const inbox = await listInbox({ ctx: approver, input: {} });
    expect(inbox.items.map((i) => i.id)).toEqual([r2.id, r1.id]);
    expect(inbox.items.every((i) => i.canDecide === true && i.status === "pending")).toBe(true);
    expect((await listInbox({ ctx: approver2, input: {} })).items.map((i) => i.id)).toEqual([
      own.id,
      r2.id,
      r1.id,
    ]);

    await decideRequest({ ctx: approver, input: { requestId: r1.id, verdict: "approve" } }); // 1 of 2: still pending
    expect((await listInbox({ ctx: approver, input: {} })).items.map((i) => i.id)).toEqual([r2.id]);
    expect((await listInbox({ ctx: approver2, input: { limit: 2 } })).items.map((i) => i.id)).toEqual([
      own.id,
      r2.id,
    ]);

    // Not approvers at all: empty, not an error; the system has no inbox.
    expect((await listInbox({ ctx: await userCtx(h.db, org.users.requester), input: {} })).items).toEqual([]);
    expect((await listInbox({ ctx: await userCtx(h.db, org.users.admin), input: {} })).items).toEqual([]);
    await expectAppError(listInbox({ ctx: systemCtx(h.db, org.org.id), input: {} }), "forbidden");
  });

  it("never shows another org's requests", async () => {
    const org = await createTestOrg(h.db);
    const other = await createTestOrg(h.db);
    await submitAs(h.db, other);
    expect((await listInbox({ ctx: await userCtx(h.db, org.users.approver), input: {} })).items).toEqual([]);
  });
});

describe("listGrants and getGrant", () => {
  it("scopes grants to mine or all, filters live, pages, and answers 404 to strangers and other orgs", async () => {
    const org = await createTestOrg(h.db);
    const other = await createTestOrg(h.db);
    const { grant: g1 } = await approvedRequest(h.db, org);
    const { grant: g2 } = await approvedRequest(h.db, org);
    const { grant: foreign } = await approvedRequest(h.db, other);
    await h.db.update(grants).set({ status: "revoked" }).where(eq(grants.id, g1.id));

    const requester = await userCtx(h.db, org.users.requester);
    const mine = await listGrants({ ctx: requester, input: { scope: "mine" } });
    expect(mine.items.map((g) => g.id)).toEqual([g2.id, g1.id]);
    expect(
      (await listGrants({ ctx: requester, input: { scope: "mine", status: "live" } })).items.map((g) => g.id),
    ).toEqual([g2.id]);
    expect(
      (await listGrants({ ctx: requester, input: { scope: "mine", status: "revoked" } })).items.map(
        (g) => g.id,
      ),
    ).toEqual([g1.id]);
    const p1 = await listGrants({ ctx: requester, input: { scope: "mine", limit: 1 } });
    expect(p1.items.map((g) => g.id)).toEqual([g2.id]);
    const p2 = await listGrants({
      ctx: requester,
      input: { scope: "mine", limit: 1, cursor: p1.nextCursor! },
    });
    expect(p2).toEqual({ items: [expect.objectContaining({ id: g1.id })], nextCursor: null });
    await expectAppError(listGrants({ ctx: requester, input: { scope: "all" } }), "forbidden");

    const approver = await userCtx(h.db, org.users.approver);
    expect((await listGrants({ ctx: approver, input: { scope: "mine" } })).items).toEqual([]);
    const auditor = await userCtx(h.db, org.users.auditor);
    expect((await listGrants({ ctx: auditor, input: { scope: "all" } })).items.map((g) => g.id)).toEqual([
      g2.id,
      g1.id,
    ]);

    expect((await getGrant({ ctx: requester, input: { grantId: g1.id } })).status).toBe("revoked");
    expect((await getGrant({ ctx: auditor, input: { grantId: g1.id } })).id).toBe(g1.id);
    await expectAppError(getGrant({ ctx: approver, input: { grantId: g1.id } }), "not_found");
    await expectAppError(
      getGrant({ ctx: await userCtx(h.db, org.users.admin), input: { grantId: foreign.id } }),
      "not_found",
    );
    await expectAppError(getGrant({ ctx: requester, input: { grantId: "x" } }), "validation", "grantId");
  });
});
