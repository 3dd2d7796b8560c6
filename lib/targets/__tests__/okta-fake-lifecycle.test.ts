import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import type { SeededOrg } from "@/db/seed/org";
import { FAKE_OKTA_TOKEN, type FakeOkta, mayPerform, startFakeOkta } from "@/lib/clouds/fakes/okta";
import type { FakeUser } from "@/lib/clouds/fakes/okta/state";
import { executeRevocation, provisionGrant } from "@/lib/grants";
import { clearEnvVars, envVar, grantRow } from "@/lib/grants/__tests__/wire-helpers";
import { usageFor } from "@/lib/grants/access-instructions";
import { reconcileOnce } from "@/lib/grants/reconcile";
import { removeDrift } from "@/lib/grants/reconcile-drift";
import { decideRequest, submitRequest } from "@/lib/requests";
import { previewRequest } from "@/lib/requests/preview";
import { systemCtx, userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { connectTarget, listDrift, type TargetDetailDto, testTargetConnection } from "..";

// The "done when" for Okta: "Reset a user's password" goes submitted → approved → active →
// expired → revoked against the wire fake through the real SDK, and the fake's own evaluation (the oracle)
// allows the task on a member of the group, denies others and denies everything once the grant ended.
const RESET = "okta.users.credentials.resetPassword";

let h: DbHandle;
let fake: FakeOkta;
const people = {} as Record<"riley" | "member" | "outsider", FakeUser>;
let groupId = "";

beforeAll(async () => {
  [h, fake] = await Promise.all([openTestDb(), startFakeOkta()]);
  people.riley = fake.state.addUser("riley@acme.example");
  people.member = fake.state.addUser("sam@acme.example", "LOCKED_OUT");
  people.outsider = fake.state.addUser("olga@acme.example");
  groupId = fake.state.addGroup("support", [people.member]).id;
  fake.state.addGroup("finance", [people.outsider]);
});
afterAll(async () => Promise.all([h?.close(), fake?.stop()]));
afterEach(() => clearEnvVars());

async function oktaOrg(): Promise<{ org: SeededOrg; target: TargetDetailDto }> {
  const org = await createTestOrg(h.db);
  const target = await connectTarget({
    ctx: await userCtx(h.db, org.users.admin),
    input: {
      name: "okta-fake",
      cloud: "okta",
      adapter: "okta",
      externalId: "acme.okta.com",
      settings: {
        endpoint: fake.url,
        credentials: { type: "env-token", var: envVar(FAKE_OKTA_TOKEN) },
        principals: { [org.users.requester.email]: people.riley.login },
      },
    },
  });
  return { org, target };
}

async function activeResetGrant(org: SeededOrg, target: TargetDetailDto) {
  const submitted = await submitRequest({
    ctx: await userCtx(h.db, org.users.requester),
    input: {
      targetId: target.id,
      templateId: org.template("okta.user.reset-password").id,
      resource: groupId,
      durationMinutes: 30,
      justification: "INC-42: support lead out, reset passwords for the support team",
    },
  });
  expect(submitted.status).toBe("pending");
  expect(fake.state.assignments.size).toBe(0);
  let decided = await decideRequest({
    ctx: await userCtx(h.db, org.users.approver),
    input: { requestId: submitted.id, verdict: "approve" },
  });
  // A high-risk template may need a second approver under the seed's policy.
  if (decided.status === "pending")
    decided = await decideRequest({
      ctx: await userCtx(h.db, org.users.approver2),
      input: { requestId: submitted.id, verdict: "approve" },
    });
  expect(decided.status).toBe("approved");
  expect(decided.grants).toHaveLength(1);
  const grantId = decided.grants[0].id;
  const outcome = await provisionGrant({ ctx: systemCtx(h.db, org.org.id), input: { grantId } });
  expect(outcome).toMatchObject({ status: "active", lastError: null });
  return grantRow(h.db, org.org.id, grantId);
}

const may = (permission: string, who: FakeUser) =>
  mayPerform(fake.state, people.riley.id, permission, { type: "user", id: who.id });

describe("Okta: reset a user's password, end to end on the wire fake", () => {
  it("submitted → approved → active (only the task, only in the group) → expired → revoked by the reconciler", async () => {
    const { org, target } = await oktaOrg();
    const before = fake.calls.length;
    const grant = await activeResetGrant(org, target);

    // Active: one role assignment, evidence from Okta's own request ids, and the oracle agrees.
    const mine = [...fake.state.assignments.values()].filter((a) => a.userId === people.riley.id);
    expect(mine).toHaveLength(1);
    const set = fake.state.resourceSets.get(mine[0].resourceSetId);
    expect(set?.label).toBe(`elevate-${grant.id}`);
    expect(set?.resources.map((r) => r.text)).toEqual([`${fake.url}/api/v1/groups/${groupId}/users`]);
    const okta = new Set(fake.calls.slice(before).map((c) => c.requestId));
    expect(grant.evidence.provision?.requestIds.length).toBeGreaterThan(0);
    for (const id of grant.evidence.provision?.requestIds ?? []) expect(okta.has(id)).toBe(true);
    expect(may(RESET, people.member)).toBe(true);
    expect(may("okta.users.read", people.member)).toBe(true);
    expect(may(RESET, people.outsider)).toBe(false);
    expect(may("okta.users.lifecycle.unlock", people.member)).toBe(false);
    expect(may("okta.users.lifecycle.delete", people.member)).toBe(false);

    // Expired: Okta would keep the assignment for ever; the reconciler's pass after expiry removes it.
    const afterExpiry = new Date(grant.expiresAt!.getTime() + 1_000);
    const pass = await reconcileOnce({ db: h.db, orgId: org.org.id, now: afterExpiry });
    expect(pass.expired).toBe(1);
    const revoked = await grantRow(h.db, org.org.id, grant.id);
    expect(revoked).toMatchObject({ status: "revoked", revokeReason: "expired" });
    expect(revoked.evidence.removal?.requestIds.length).toBeGreaterThan(0);
    expect(may(RESET, people.member)).toBe(false);
    expect(may("okta.users.read", people.member)).toBe(false);
    expect(fake.state.resourceSetByIdOrLabel(`elevate-${grant.id}`)).toBeUndefined();
    expect([...fake.state.assignments.values()].filter((a) => a.userId === people.riley.id)).toEqual([]);
  });

  it("the workflow's timer path revokes on time as well, and the shared role outlives the grant", async () => {
    const { org, target } = await oktaOrg();
    const grant = await activeResetGrant(org, target);
    expect(may(RESET, people.member)).toBe(true);
    const done = await executeRevocation({
      ctx: systemCtx(h.db, org.org.id),
      input: { grantId: grant.id },
      asOf: new Date(grant.expiresAt!.getTime() + 1),
    });
    expect(done.status).toBe("revoked");
    expect(may(RESET, people.member)).toBe(false);
    expect(fake.state.roleByIdOrLabel(grant.roleSpec.roleName)).toBeDefined();
  });
});

describe("Okta on the targets admin page: test connection and drift", () => {
  it("test connection answers ok with Okta's request ids, and names a rejected token", async () => {
    const { org, target } = await oktaOrg();
    const admin = await userCtx(h.db, org.users.admin);
    const ok = await testTargetConnection({ ctx: admin, input: { targetId: target.id } });
    expect(ok).toMatchObject({ ok: true });
    expect(ok.requestIds.length).toBeGreaterThan(0);
    const wrong = await connectTarget({
      ctx: admin,
      input: {
        name: "okta-wrong-token",
        cloud: "okta",
        adapter: "okta",
        externalId: "acme.okta.com",
        settings: { endpoint: fake.url, credentials: { type: "env-token", var: envVar("not-the-token") } },
      },
    });
    const bad = await testTargetConnection({ ctx: admin, input: { targetId: wrong.id } });
    expect(bad).toMatchObject({ ok: false, message: "credentials rejected by Okta (401 E0000011)" });
  });

  it("the reconciler removes an assignment no grant explains and the drift panel lists it", async () => {
    const { org, target } = await oktaOrg();
    const orphan = randomUUID();
    // What a crash between Okta's answer and Elevate's commit leaves: a grant's set and assignment, no grant.
    const role = {
      id: "cr0orphan",
      label: "elevate_0123456789abcdef0123",
      description: "",
      permissions: [RESET],
      created: "",
    };
    fake.state.roles.set(role.id, role);
    const set = { id: "iamorphan", label: `elevate-${orphan}`, created: "", resources: [] };
    fake.state.resourceSets.set(set.id, {
      ...set,
      description: `Elevate grant ${orphan}; role ${role.label}; user ${people.riley.id}; not after 2030-01-01T00:00:00.000Z`,
    });
    fake.state.assignments.set("irborphan", {
      id: "irborphan",
      userId: people.riley.id,
      roleId: role.id,
      resourceSetId: set.id,
      created: "",
    });
    expect(await removeDrift(h.db, org.org.id)).toMatchObject({ removed: 1, failed: 0 });
    expect(fake.state.assignments.has("irborphan")).toBe(false);
    expect(fake.state.resourceSets.has("iamorphan")).toBe(false);
    const drift = await listDrift({
      ctx: await userCtx(h.db, org.users.admin),
      input: { targetId: target.id },
    });
    expect(drift).toEqual([
      expect.objectContaining({ outcome: "removed", bindingId: `elevate-${orphan}`, grantId: orphan }),
    ]);
  });
});

describe("the embedded default: the seed's Okta org on the sandbox", () => {
  it("previews the custom role and resource set, grants, and points at the admin console", async () => {
    const org = await createTestOrg(h.db);
    const target = org.targets.okta;
    expect(target).toMatchObject({ cloud: "okta", adapter: "sandbox" });
    const requester = await userCtx(h.db, org.users.requester);
    const input = {
      targetId: target.id,
      templateId: org.template("okta.user.unlock").id,
      resource: "00gSupport",
      durationMinutes: 30,
    };
    const preview = await previewRequest({ ctx: requester, input });
    expect(preview.roles[0]).toMatchObject({
      permissions: ["okta.users.lifecycle.unlock", "okta.users.read"],
      document: { resources: ["/api/v1/groups/00gSupport/users"] },
      binding: { scope: "/api/v1/groups/00gSupport/users" },
    });
    const submitted = await submitRequest({
      ctx: requester,
      input: { ...input, justification: "INC-7 lockouts" },
    });
    const decided = await decideRequest({
      ctx: await userCtx(h.db, org.users.approver),
      input: { requestId: submitted.id, verdict: "approve" },
    });
    const grantId = decided.grants[0].id;
    expect(await provisionGrant({ ctx: systemCtx(h.db, org.org.id), input: { grantId } })).toMatchObject({
      status: "active",
    });
    const usage = usageFor(
      { id: grantId, resource: "00gSupport", roleDocument: preview.roles[0].document },
      target,
      org.org.id,
    );
    expect(usage.consoleUrl).toBe("https://acme-demo-admin.okta.com/admin/dashboard");
  });
});
