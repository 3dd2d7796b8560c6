import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { auditEvents, grants, jobRuns, users } from "@/db/schema";
import { approvedRequest, expectAppError } from "@/lib/requests/__tests__/helpers";
import { systemCtx, userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { getSystemHealth, listActiveGrants, listGroups, listUsers, setLocalRoles } from "..";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

describe("listActiveGrants", () => {
  it("lists live grants across the org, filtered by target, user and template", async () => {
    const org = await createTestOrg(h.db);
    const { grant } = await approvedRequest(h.db, org);
    const admin = await userCtx(h.db, org.users.admin);
    const all = await listActiveGrants({ ctx: admin, input: {} });
    expect(all.items.map((g) => g.id)).toEqual([grant.id]);
    expect(all.items[0]).toMatchObject({
      user: { id: org.users.requester.id },
      target: { id: org.targets.aws.id },
      template: { id: org.template("vm.ssh").id },
    });
    expect(all.items[0].permissionCount).toBeGreaterThan(0);
    const none = { targetId: org.targets.gcp.id };
    expect((await listActiveGrants({ ctx: admin, input: none })).items).toEqual([]);
    expect((await listActiveGrants({ ctx: admin, input: { userId: org.users.admin.id } })).items).toEqual([]);
    const email = ` ${org.users.requester.email.toUpperCase()} `;
    expect((await listActiveGrants({ ctx: admin, input: { userEmail: email } })).items).toHaveLength(1);
    await expectAppError(
      listActiveGrants({ ctx: admin, input: { userEmail: "nobody@example.invalid" } }),
      "validation",
      "userEmail",
    );
    const byTemplate = await listActiveGrants({
      ctx: admin,
      input: { templateId: org.template("vm.ssh").id },
    });
    expect(byTemplate.items).toHaveLength(1);
    await h.db.update(grants).set({ status: "revoked" }).where(eq(grants.id, grant.id));
    expect((await listActiveGrants({ ctx: admin, input: {} })).items).toEqual([]);
  });

  it("pages with a cursor and refuses a requester; another org's grants are invisible", async () => {
    const org = await createTestOrg(h.db);
    const other = await createTestOrg(h.db);
    const a = await approvedRequest(h.db, org);
    const b = await approvedRequest(h.db, org);
    await approvedRequest(h.db, other);
    const admin = await userCtx(h.db, org.users.admin);
    const first = await listActiveGrants({ ctx: admin, input: { limit: 1 } });
    expect(first.nextCursor).not.toBeNull();
    const second = await listActiveGrants({ ctx: admin, input: { limit: 1, cursor: first.nextCursor! } });
    expect([...first.items, ...second.items].map((g) => g.id).sort()).toEqual(
      [a.grant.id, b.grant.id].sort(),
    );
    expect(second.nextCursor).toBeNull();
    const requester = await userCtx(h.db, org.users.requester);
    await expectAppError(listActiveGrants({ ctx: requester, input: {} }), "forbidden");
    await expectAppError(
      listActiveGrants({ ctx: admin, input: { targetId: "nope" } }),
      "validation",
      "targetId",
    );
  });
});

describe("listUsers and listGroups", () => {
  it("shows local roles, group roles and groups; needs users.manage; stays in the org", async () => {
    const org = await createTestOrg(h.db);
    await createTestOrg(h.db);
    const admin = await userCtx(h.db, org.users.admin);
    const list = await listUsers({ ctx: admin, input: {} });
    expect(list).toHaveLength(5);
    const approver = list.find((u) => u.id === org.users.approver.id)!;
    expect(approver).toMatchObject({ localRoles: ["requester"], groupRoles: ["approver"] });
    expect(approver.groups.sort()).toEqual(["approvers", "engineering"]);
    expect((await listUsers({ ctx: admin, input: { query: "audrey" } })).map((u) => u.id)).toEqual([
      org.users.auditor.id,
    ]);
    expect(await listUsers({ ctx: admin, input: { query: "%" } })).toEqual([]);
    const groups = await listGroups({ ctx: admin });
    expect(groups.find((g) => g.name === "approvers")).toMatchObject({ role: "approver", members: 2 });
    const auditor = await userCtx(h.db, org.users.auditor);
    await expectAppError(listUsers({ ctx: auditor, input: {} }), "forbidden");
    await expectAppError(listGroups({ ctx: auditor }), "forbidden");
  });
});

describe("setLocalRoles", () => {
  it("replaces local roles, audits the change once, and applies on the next load", async () => {
    const org = await createTestOrg(h.db);
    const admin = await userCtx(h.db, org.users.admin);
    const input = { userId: org.users.requester.id, roles: ["auditor", "requester"] as const };
    const result = await setLocalRoles({ ctx: admin, input: { ...input, roles: [...input.roles] } });
    expect(result).toEqual({
      id: org.users.requester.id,
      localRoles: ["auditor", "requester"],
      changed: true,
    });
    const again = await setLocalRoles({ ctx: admin, input: { ...input, roles: ["requester", "auditor"] } });
    expect(again.changed).toBe(false);
    const events = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, org.org.id), eq(auditEvents.action, "user.roles_changed")));
    expect(events).toHaveLength(1);
    expect(events[0].data).toEqual({ from: ["requester"], to: ["auditor", "requester"] });
    const reloaded = await userCtx(h.db, org.users.requester);
    expect(reloaded.actor.type !== "system" && reloaded.actor.permissions.has("audit.read")).toBe(true);
  });

  it("refuses removing your own admin role, a forbidden actor, bad roles and another org's user", async () => {
    const org = await createTestOrg(h.db);
    const other = await createTestOrg(h.db);
    const admin = await userCtx(h.db, org.users.admin);
    await expectAppError(
      setLocalRoles({ ctx: admin, input: { userId: org.users.admin.id, roles: ["requester"] } }),
      "conflict",
    );
    const approver = await userCtx(h.db, org.users.approver);
    await expectAppError(
      setLocalRoles({ ctx: approver, input: { userId: org.users.approver.id, roles: ["admin"] } }),
      "forbidden",
    );
    await expectAppError(
      setLocalRoles({ ctx: admin, input: { userId: org.users.requester.id, roles: ["root" as "admin"] } }),
      "validation",
      "roles.0",
    );
    await expectAppError(
      setLocalRoles({ ctx: admin, input: { userId: other.users.requester.id, roles: ["admin"] } }),
      "not_found",
    );
    const [untouched] = await h.db.select().from(users).where(eq(users.id, other.users.requester.id));
    expect(untouched.localRoles).toEqual(["requester"]);
    const [self] = await h.db.select().from(users).where(eq(users.id, org.users.admin.id));
    expect(self.localRoles).toEqual(["admin"]);
  });
});

describe("getSystemHealth", () => {
  it("reports the database, driver, reconciler run and stuck grants of this org only", async () => {
    const org = await createTestOrg(h.db);
    const other = await createTestOrg(h.db);
    const stuck = await approvedRequest(h.db, org);
    const provisioning = await approvedRequest(h.db, org);
    const late = await approvedRequest(h.db, org);
    const elsewhere = await approvedRequest(h.db, other);
    const old = new Date(Date.now() - 10 * 60_000);
    await h.db.update(grants).set({ status: "revoke_stuck" }).where(eq(grants.id, stuck.grant.id));
    await h.db
      .update(grants)
      .set({ status: "provisioning", updatedAt: old })
      .where(eq(grants.id, provisioning.grant.id));
    await h.db.update(grants).set({ status: "active", expiresAt: old }).where(eq(grants.id, late.grant.id));
    await h.db.update(grants).set({ status: "revoke_stuck" }).where(eq(grants.id, elsewhere.grant.id));
    await h.db
      .insert(jobRuns)
      .values({ name: "reconciler", lastRunAt: new Date(), details: { expired: 0 } })
      .onConflictDoUpdate({ target: jobRuns.name, set: { lastRunAt: new Date() } });

    const health = await getSystemHealth({ ctx: await userCtx(h.db, org.users.admin) });
    expect(health.database.ok).toBe(true);
    expect(["pglite", "postgres"]).toContain(health.database.kind);
    expect(health.workflows.kind).toBe("recording");
    expect(health.reconciler.lastRunAt).not.toBeNull();
    expect(health.grantsStuck).toEqual({
      revokeStuck: 1,
      provisioningStale: 1,
      activePastExpiry: 1,
      total: 3,
    });
    expect((await getSystemHealth({ ctx: systemCtx(h.db, org.org.id) })).grantsStuck.total).toBe(3);
    await expectAppError(getSystemHealth({ ctx: await userCtx(h.db, org.users.auditor) }), "forbidden");
  });
});
