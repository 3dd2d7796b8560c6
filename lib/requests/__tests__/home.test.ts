import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { provisionGrant } from "@/lib/grants/provision";
import { systemCtx, userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { getHome } from "../home";
import { approvedRequest, submitAs } from "./helpers";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

describe("getHome", () => {
  it("lists live grants, pending and decided requests, each with only what the page shows", async () => {
    const org = await createTestOrg(h.db);
    const approved = await approvedRequest(h.db, org);
    await provisionGrant({ ctx: systemCtx(h.db, org.org.id), input: { grantId: approved.grant.id } });
    const pending = await submitAs(h.db, org, "requester", { justification: "still waiting" });
    // Someone else's request never shows on this home.
    await submitAs(h.db, org, "approver2");

    const home = await getHome({ ctx: await userCtx(h.db, org.users.requester) });

    expect(home.grants).toEqual([
      {
        id: approved.grant.id,
        requestId: approved.request.id,
        status: "active",
        roleName: approved.grant.roleName,
        target: { name: approved.grant.target.name, cloud: approved.grant.target.cloud },
        expiresAt: expect.stringMatching(/Z$/),
      },
    ]);
    expect(home.pending).toEqual([
      {
        id: pending.id,
        label: pending.template?.name,
        target: { name: pending.target.name, cloud: pending.target.cloud },
        durationMinutes: pending.durationMinutes,
        createdAt: pending.createdAt,
        status: "pending",
      },
    ]);
    // Each request in one list: the approved one is recent, not pending.
    expect(home.recent.map((r) => [r.id, r.status])).toEqual([[approved.request.id, "approved"]]);
    // No role document, evidence or approvals reach the page.
    expect(JSON.stringify(home)).not.toMatch(/roleDocument|evidence|approvals|justification/);
  });
});
