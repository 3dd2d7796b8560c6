import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import type { SeededOrg } from "@/db/seed/org";
import { clearSandboxFaults, injectSandboxFault } from "@/lib/clouds/sandbox";
import { AppError } from "@/lib/errors";
import { revokeGrant } from "@/lib/grants";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { markGrantFailed } from "../mark-failed";
import { provisionGrant } from "../provision";
import { auditActions, bindingsOf, grantRow, roleRow, scheduledGrant } from "./fixtures";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());
afterEach(() => clearSandboxFaults());

const reason = "retries exhausted";
const count = (xs: string[], x: string) => xs.filter((a) => a === x).length;

async function setup() {
  const org = await createTestOrg(h.db);
  return { org, ...(await scheduledGrant(h.db, org)) };
}

async function revokeAsAdmin(org: SeededOrg, grantId: string) {
  await revokeGrant({ ctx: await userCtx(h.db, org.users.admin), input: { grantId, reason: "leaver" } });
}

describe("markGrantFailed", () => {
  it("fails a scheduled grant directly (nothing reached the cloud) and completes its request", async () => {
    const { org, grant, ctx } = await setup();
    const out = await markGrantFailed({ ctx, input: { grantId: grant.id, reason } });
    expect(out.status).toBe("failed");
    const row = await grantRow(h.db, grant.id);
    expect(row.lastError).toBe(`workflow: ${reason}`);
    expect(await auditActions(h.db, org.org.id, grant.id)).toEqual(["grant.failed"]);
  });

  it("gives up on a provisioning grant: removes what was bound, releases the role, ends failed", async () => {
    const { org, grant, ctx, target } = await setup();
    // The binding is made, then the read-back fails: a half-provisioned grant with something in the cloud.
    injectSandboxFault(target.id, { op: "inspect", kind: "retryable", times: 1 });
    expect((await provisionGrant({ ctx, input: { grantId: grant.id } })).status).toBe("provisioning");
    expect(await bindingsOf(h.db, target.id)).toHaveLength(1);

    const out = await markGrantFailed({ ctx, input: { grantId: grant.id, reason } });
    expect(out.status).toBe("failed");
    expect(await bindingsOf(h.db, target.id)).toHaveLength(0);
    expect((await roleRow(h.db, target.id, grant.roleSpec.hash)).refCount).toBe(0);
    const actions = await auditActions(h.db, org.org.id, grant.id);
    expect(actions.slice(-2)).toEqual(["grant.provision_abandoned", "grant.failed"]);
    expect(count(actions, "grant.failed")).toBe(1);
  });

  it("leaves a provisioning grant for the reconciler when the cleanup itself fails", async () => {
    const { grant, ctx, target } = await setup();
    injectSandboxFault(target.id, { op: "inspect", kind: "retryable", times: 1 });
    await provisionGrant({ ctx, input: { grantId: grant.id } });
    injectSandboxFault(target.id, { op: "unbind", kind: "retryable", times: 1 });
    const out = await markGrantFailed({ ctx, input: { grantId: grant.id, reason } });
    expect(out.status).toBe("provisioning");
    expect(out.attempts).toBeGreaterThanOrEqual(5);
    // The next provisioning attempt sees the attempts spent and finishes the cleanup instead.
    expect((await provisionGrant({ ctx, input: { grantId: grant.id } })).status).toBe("failed");
    expect(await bindingsOf(h.db, target.id)).toHaveLength(0);
  });

  it("marks a revocation under way revoke_stuck, due for another attempt now", async () => {
    const { org, grant, ctx } = await setup();
    await provisionGrant({ ctx, input: { grantId: grant.id } });
    await revokeAsAdmin(org, grant.id);
    const out = await markGrantFailed({ ctx, input: { grantId: grant.id, reason } });
    expect(out.status).toBe("revoke_stuck");
    expect(new Date(out.nextAttemptAt!).getTime()).toBeLessThanOrEqual(Date.now());
    expect((await auditActions(h.db, org.org.id, grant.id)).at(-1)).toBe("grant.revoke_stuck");
    // Twice is once.
    await markGrantFailed({ ctx, input: { grantId: grant.id, reason } });
    expect(count(await auditActions(h.db, org.org.id, grant.id), "grant.revoke_stuck")).toBe(1);
  });

  it("keeps an active grant active (the cloud enforces its expiry) and records the error once", async () => {
    const { org, grant, ctx } = await setup();
    await provisionGrant({ ctx, input: { grantId: grant.id } });
    expect((await markGrantFailed({ ctx, input: { grantId: grant.id, reason } })).status).toBe("active");
    expect((await markGrantFailed({ ctx, input: { grantId: grant.id, reason } })).lastError).toBe(
      `workflow: ${reason}`,
    );
    expect(count(await auditActions(h.db, org.org.id, grant.id), "grant.workflow_failed")).toBe(1);
  });

  it("leaves terminal grants alone, answers NotFound across orgs, and refuses people", async () => {
    const { org, grant, ctx } = await setup();
    await markGrantFailed({ ctx, input: { grantId: grant.id, reason } });
    const before = await auditActions(h.db, org.org.id, grant.id);
    expect((await markGrantFailed({ ctx, input: { grantId: grant.id, reason: "again" } })).status).toBe(
      "failed",
    );
    expect(await auditActions(h.db, org.org.id, grant.id)).toEqual(before);

    const other = await createTestOrg(h.db);
    const otherCtx = { ...ctx, orgId: other.org.id };
    await expect(
      markGrantFailed({ ctx: otherCtx, input: { grantId: grant.id, reason } }),
    ).rejects.toMatchObject({
      code: "not_found",
    });
    const admin = await userCtx(h.db, org.users.admin);
    const err = await markGrantFailed({ ctx: admin, input: { grantId: grant.id, reason } }).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe("forbidden");
  });
});
