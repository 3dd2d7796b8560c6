import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { cloudRoles, jobRuns } from "@/db/schema";
import { DEFAULT_ROLE_GRACE_MS, provisionGrant } from "@/lib/grants";
import { systemCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { createReconcile, RECONCILE_ID } from "../functions/reconcile";
import { createRoleGc, ROLE_GC_ID } from "../functions/role-gc";
import {
  approvedRequest,
  auditActions,
  failureHandlerOf,
  grantRow,
  InngestTestEngine,
  testDeps,
  useFakeDate,
} from "./helpers";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());
afterEach(() => {
  vi.useRealTimers();
});

// The cron tick Inngest sends; the passes are scoped to the test's org (the deps), as tests share a database.
const tick = { name: "inngest/scheduled.timer", data: { cron: "* * * * *" } };

async function activeGrant() {
  const org = await createTestOrg(h.db);
  const { grant } = await approvedRequest(h.db, org);
  await provisionGrant({ ctx: systemCtx(h.db, org.org.id), input: { grantId: grant.id } });
  return { org, grant: await grantRow(h.db, grant.id) };
}

describe("cron jobs (real verbs on the test database and sandbox; @inngest/test runs the cron tick)", () => {
  it("reconcile: revokes a grant whose expiry passed without its lifecycle run (lost event)", async () => {
    const { org, grant } = await activeGrant();
    useFakeDate();
    vi.setSystemTime(new Date(grant.expiresAt!.getTime() + 5_000));
    const { deps } = testDeps(h.db, org.org.id);
    const { result, error } = await new InngestTestEngine({
      function: createReconcile(deps),
      events: [tick],
    }).execute();
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ expired: 1, drift: { removed: 0, failed: 0 } });
    expect((await grantRow(h.db, grant.id)).status).toBe("revoked");
    expect((await auditActions(h.db, org.org.id, grant.id)).at(-1)).toBe("grant.revoked");
    const [run] = await h.db.select().from(jobRuns).where(eq(jobRuns.name, "reconciler"));
    expect(run).toBeDefined();
  });

  it("role-gc: deletes the shared role once unused for the grace period, and is a no-op the next time", async () => {
    const { org, grant } = await activeGrant();
    const { deps } = testDeps(h.db, org.org.id);
    useFakeDate();
    vi.setSystemTime(new Date(grant.expiresAt!.getTime() + 1_000));
    await new InngestTestEngine({
      function: createReconcile({ ...deps, reconcile: { orgId: org.org.id, roleGraceMs: 3600_000 } }),
      events: [tick],
    }).execute();
    expect((await grantRow(h.db, grant.id)).status).toBe("revoked");

    vi.setSystemTime(new Date(Date.now() + DEFAULT_ROLE_GRACE_MS + 1_000));
    const gc = new InngestTestEngine({ function: createRoleGc(deps), events: [tick] });
    expect((await gc.execute()).result).toEqual({ rolesDeleted: 1 });
    const [role] = await h.db.select().from(cloudRoles).where(eq(cloudRoles.id, grant.cloudRoleId!));
    expect(role.status).toBe("deleted");
    expect(
      (await new InngestTestEngine({ function: createRoleGc(deps), events: [tick] }).execute()).result,
    ).toEqual({
      rolesDeleted: 0,
    });
  });

  it("a failed cron run raises one alert for the run", async () => {
    const org = await createTestOrg(h.db);
    const { deps } = testDeps(h.db, org.org.id);
    for (const [fn, id] of [
      [createReconcile(deps), RECONCILE_ID],
      [createRoleGc(deps), ROLE_GC_ID],
    ] as const) {
      const failed = {
        name: "inngest/function.failed",
        data: {
          function_id: `elevate-${id}`,
          run_id: `run-${id}`,
          error: { name: "Error", message: "db down" },
          event: { ...tick, id: "x", ts: 0 },
        },
      };
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
          id: `alert.raised:run-${id}`,
          data: expect.objectContaining({ kind: "workflow.failed", functionId: id, message: "db down" }),
        }),
      );
    }
  });
});
