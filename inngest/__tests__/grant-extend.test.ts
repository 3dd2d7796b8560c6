import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { extendGrant, provisionGrant } from "@/lib/grants";
import { systemCtx, userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { grantExtended } from "../events";
import { createGrantExtend } from "../functions/grant-extend";
import { approvedRequest, bindingsOf, grantRow, InngestTestEngine, testDeps } from "./helpers";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

/** An active grant its owner has just extended through the real verb, and the event the verb dispatched. */
async function extendedGrant() {
  const org = await createTestOrg(h.db);
  const { deps } = testDeps(h.db, org.org.id);
  const { grant } = await approvedRequest(h.db, org);
  await provisionGrant({ ctx: systemCtx(h.db, org.org.id), input: { grantId: grant.id } });
  const owner = await userCtx(h.db, org.users.requester);
  const dto = await extendGrant({
    ctx: owner,
    input: { grantId: grant.id, minutes: 15, reason: "migration" },
  });
  const [dispatched] = owner.workflows.events;
  expect(dispatched).toMatchObject({ name: "grant.extended", grantId: grant.id, expiresAt: dto.expiresAt });
  const event = {
    name: grantExtended.name,
    data: { orgId: org.org.id, grantId: grant.id, expiresAt: dto.expiresAt! },
  };
  const fn = createGrantExtend(deps);
  return {
    org,
    grant,
    newExpiry: dto.expiresAt!,
    engine: () => new InngestTestEngine({ function: fn, events: [event] }),
  };
}

describe("grant-extend (real verbs on the test database and sandbox; @inngest/test mocks only step scheduling)", () => {
  it("moves the sandbox binding's cloud-enforced expiry to the extended one and records the evidence", async () => {
    const { org, grant, newExpiry, engine } = await extendedGrant();
    const before = (await bindingsOf(h.db, org.targets.aws.id)).find((b) => b.bindingId.endsWith(grant.id));
    expect(before!.notAfter.toISOString()).not.toBe(newExpiry);

    const { result } = await engine().execute();
    expect(result).toMatchObject({ grantId: grant.id, status: "active", expiresAt: newExpiry });
    const after = (await bindingsOf(h.db, org.targets.aws.id)).find((b) => b.bindingId.endsWith(grant.id));
    expect(after!.notAfter.toISOString()).toBe(newExpiry);
    const row = await grantRow(h.db, grant.id);
    expect(row.evidence.extensions?.map((e) => e.to)).toEqual([newExpiry]);
  });

  it("a duplicate event is a no-op: one re-bind, one evidence entry", async () => {
    const { grant, newExpiry, engine } = await extendedGrant();
    await engine().execute();
    const { result } = await engine().execute();
    expect(result).toMatchObject({ grantId: grant.id, status: "active", expiresAt: newExpiry });
    const row = await grantRow(h.db, grant.id);
    expect(row.evidence.extensions).toHaveLength(1);
  });
});
