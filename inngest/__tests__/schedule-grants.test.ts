import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { requestApproved } from "../events";
import { createScheduleGrants, SCHEDULE_GRANTS_ID } from "../functions/schedule-grants";
import {
  approvedRequest,
  failedEvent,
  failureHandlerOf,
  grantRow,
  InngestTestEngine,
  testDeps,
} from "./helpers";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

// Event delivery is Inngest's: the send step is mocked and the payload it was handed is asserted.
const sent = [{ id: "send-grant-scheduled", handler: () => ({ ids: ["e1"] }) }];

describe("schedule-grants (real reads on the test database; @inngest/test mocks the event send step)", () => {
  it("fans the approved request out into one grant.scheduled per grant, with its target and a deterministic id", async () => {
    const org = await createTestOrg(h.db);
    const { deps } = testDeps(h.db, org.org.id);
    const { grant, requestId, approved } = await approvedRequest(h.db, org);
    const event = { name: requestApproved.name, data: approved };
    const fn = createScheduleGrants(deps);
    const { result, ctx } = await new InngestTestEngine({ function: fn, events: [event] }).execute({
      steps: sent,
    });
    expect(result).toEqual({ requestId, scheduled: [grant.id] });
    const payload = [
      {
        name: "elevate/grant.scheduled",
        id: `grant.scheduled:${grant.id}`,
        data: { orgId: org.org.id, requestId, grantId: grant.id, targetId: org.targets.aws.id },
      },
    ];
    expect(ctx.step.sendEvent).toHaveBeenCalledWith("send-grant-scheduled", [
      expect.objectContaining(payload[0]),
    ]);
    // Fanning out reads only: the grant is still scheduled for its lifecycle run.
    expect((await grantRow(h.db, grant.id)).status).toBe("scheduled");

    // A duplicate request.approved produces the very same event ids, which Inngest drops.
    const again = await new InngestTestEngine({ function: fn, events: [event] }).execute({ steps: sent });
    expect(again.ctx.step.sendEvent).toHaveBeenCalledWith("send-grant-scheduled", [
      expect.objectContaining({ id: `grant.scheduled:${grant.id}` }),
    ]);
  });

  it("sends nothing for grant ids unknown in the event's org", async () => {
    const org = await createTestOrg(h.db);
    const other = await createTestOrg(h.db);
    const { grant, requestId } = await approvedRequest(h.db, org);
    const { deps } = testDeps(h.db, other.org.id);
    const event = {
      name: requestApproved.name,
      data: { orgId: other.org.id, requestId, grantIds: [grant.id] },
    };
    const { result, ctx } = await new InngestTestEngine({
      function: createScheduleGrants(deps),
      events: [event],
    }).execute();
    expect(result).toEqual({ requestId, scheduled: [] });
    expect(ctx.step.sendEvent).not.toHaveBeenCalled();
  });

  it("failure: retries exhausted → one alert; the grants stay scheduled for the reconciler to provision", async () => {
    const org = await createTestOrg(h.db);
    const { deps } = testDeps(h.db, org.org.id);
    const { grant, approved } = await approvedRequest(h.db, org);
    const fn = createScheduleGrants(deps);
    const failed = failedEvent(
      SCHEDULE_GRANTS_ID,
      { name: requestApproved.name, data: approved },
      "event API down",
    );
    const { result, ctx } = await new InngestTestEngine({
      function: failureHandlerOf(fn),
      events: [failed],
    }).execute({
      steps: [{ id: "raise-alert", handler: () => ({ ids: ["a"] }) }],
    });
    expect(result).toEqual({ alert: "workflow.failed" });
    expect(ctx.step.sendEvent).toHaveBeenCalledWith(
      "raise-alert",
      expect.objectContaining({
        data: expect.objectContaining({ functionId: SCHEDULE_GRANTS_ID, message: "event API down" }),
      }),
    );
    expect((await grantRow(h.db, grant.id)).status).toBe("scheduled");
  });
});
