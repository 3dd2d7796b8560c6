import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { clearSandboxFaults, injectSandboxFault } from "@/lib/clouds/sandbox";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { GRANT_LIFECYCLE_ID } from "../functions/grant-lifecycle";
import {
  auditActions,
  bindingsOf,
  failedEvent,
  failureHandlerOf,
  grantRow,
  InngestTestEngine,
  lifecycleSetup,
} from "./helpers";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());
afterEach(() => clearSandboxFaults());

const setup = () => lifecycleSetup(h.db);

describe("grant-lifecycle failures (real verbs; @inngest/test runs the onFailure handler Inngest would pick)", () => {
  it("failure: retries exhausted while provisioning → onFailure cleans up, marks the grant failed, raises an alert", async () => {
    const { org, grant, fn, event, engine } = await setup();
    injectSandboxFault(grant.targetId, { op: "bind", kind: "retryable", times: 1 });
    const first = await engine.executeStep("provision-0");
    expect(first.result).toMatchObject({ status: "provisioning", next: { action: "provision" } });

    const failed = failedEvent(GRANT_LIFECYCLE_ID, event, "step provision-1: database connection reset");
    const { result, ctx } = await new InngestTestEngine({
      function: failureHandlerOf(fn),
      events: [failed],
    }).execute({ steps: [{ id: "raise-alert", handler: () => ({ ids: ["alert-1"] }) }] });
    expect(result).toEqual({ grantId: grant.id, status: "failed", alert: "grant.failed" });
    const row = await grantRow(h.db, grant.id);
    expect(row.status).toBe("failed");
    expect(row.lastError).toContain("database connection reset");
    expect(await bindingsOf(h.db, grant.targetId)).toHaveLength(0);
    const actions = await auditActions(h.db, org.org.id, grant.id);
    expect(actions.slice(-2)).toEqual(["grant.provision_abandoned", "grant.failed"]);
    expect(ctx.step.sendEvent).toHaveBeenCalledWith(
      "raise-alert",
      expect.objectContaining({
        name: "elevate/alert.raised",
        id: `alert.raised:${failed.data.run_id}`,
        data: expect.objectContaining({
          kind: "grant.failed",
          grantId: grant.id,
          functionId: GRANT_LIFECYCLE_ID,
        }),
      }),
    );
  });

  it("failure: a verb that throws (grant not in the event's org) fails the run; onFailure alerts without marking", async () => {
    const { grant, fn, event } = await setup();
    const other = await createTestOrg(h.db);
    const wrong = { ...event, data: { ...event.data, orgId: other.org.id } };
    const run = await new InngestTestEngine({ function: fn, events: [wrong] }).execute();
    expect(run.error).toMatchObject({ message: expect.stringContaining("Grant not found") });
    expect((await grantRow(h.db, grant.id)).status).toBe("scheduled");

    const failed = failedEvent(GRANT_LIFECYCLE_ID, wrong, "Grant not found");
    const { result } = await new InngestTestEngine({
      function: failureHandlerOf(fn),
      events: [failed],
    }).execute({
      steps: [{ id: "raise-alert", handler: () => ({ ids: [randomUUID()] }) }],
    });
    expect(result).toEqual({ grantId: grant.id, status: null, alert: "workflow.failed" });
    expect((await grantRow(h.db, grant.id)).status).toBe("scheduled");
  });
});
