import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_OKTA_TOKEN, type FakeOkta, mayPerform, startFakeOkta } from "@/lib/clouds/fakes/okta";
import type { FakeUser } from "@/lib/clouds/fakes/okta/state";
import { oktaRoleSpec, oktaTarget } from "@/lib/clouds/fakes/okta/testing";
import { type BindingSpec, bindingIdFor, CloudError } from "@/lib/clouds/port";
import { oktaAdapter } from "./adapter";

const RESET = "okta.users.credentials.resetPassword";
const UNLOCK = "okta.users.lifecycle.unlock";

describe("okta adapter against the wire fake (real @okta/okta-sdk-nodejs client)", () => {
  let fake: FakeOkta;
  let adapter: ReturnType<typeof oktaAdapter>;
  const target = oktaTarget();
  const people = {} as Record<"admin" | "member" | "outsider", FakeUser>;
  let groupId = "";
  let otherGroupId = "";

  beforeAll(async () => {
    fake = await startFakeOkta();
    adapter = oktaAdapter({ orgUrl: fake.url, token: FAKE_OKTA_TOKEN });
    people.admin = fake.state.addUser("riley@acme.example");
    people.member = fake.state.addUser("sam@acme.example", "LOCKED_OUT");
    people.outsider = fake.state.addUser("olga@acme.example");
    groupId = fake.state.addGroup("support-team", [people.member]).id;
    otherGroupId = fake.state.addGroup("finance", [people.outsider]).id;
  });
  afterAll(() => fake.stop());

  const bindingFor = (grantId: string, spec: ReturnType<typeof oktaRoleSpec>, minutes = 30): BindingSpec => ({
    grantId,
    orgId: target.orgId,
    roleName: spec.roleName,
    principal: people.admin.login,
    notAfter: new Date(Date.now() + minutes * 60_000),
    scope: spec.binding?.scope,
  });

  it("a custom role, a resource set of the group's users and one assignment: the org allows exactly that", async () => {
    const spec = oktaRoleSpec([RESET], `groups/${groupId}/users`);
    const grantId = randomUUID();
    const role = await adapter.ensureRole(target, spec);
    expect(role.requestIds.length).toBeGreaterThan(0);
    const stored = [...fake.state.roles.values()].find((r) => r.label === spec.roleName);
    expect(stored?.permissions).toEqual([RESET]);

    const bound = await adapter.bind(target, bindingFor(grantId, spec));
    expect(bound.bindingId).toBe(bindingIdFor(grantId));
    const set = fake.state.resourceSetByIdOrLabel(bound.bindingId);
    expect(set?.resources.map((r) => r.text)).toEqual([`${fake.url}/api/v1/groups/${groupId}/users`]);
    // The fake's own evaluation over what it stores (the oracle), not the adapter's.
    expect(mayPerform(fake.state, people.admin.id, RESET, { type: "user", id: people.member.id })).toBe(true);
    expect(mayPerform(fake.state, people.admin.id, RESET, { type: "user", id: people.outsider.id })).toBe(
      false,
    );
    expect(mayPerform(fake.state, people.admin.id, UNLOCK, { type: "user", id: people.member.id })).toBe(
      false,
    );
    expect(mayPerform(fake.state, people.admin.id, "okta.groups.read", { type: "group", id: groupId })).toBe(
      false,
    );

    const check = await adapter.checkAccess!(
      target,
      { ...bindingFor(grantId, spec), bindingId: bound.bindingId },
      spec,
    );
    expect(check.checks).toEqual([
      expect.objectContaining({
        permission: RESET,
        resource: `/api/v1/groups/${groupId}/users`,
        allowed: true,
      }),
    ]);

    await adapter.unbind(target, bound.bindingId);
    expect(mayPerform(fake.state, people.admin.id, RESET, { type: "user", id: people.member.id })).toBe(
      false,
    );
    expect(fake.state.resourceSetByIdOrLabel(bound.bindingId)).toBeUndefined();
    expect((await adapter.inspect(target, bound.bindingId)).present).toBe(false);
  });

  it("binding again is idempotent; an extension records the later expiry; membership changes apply at once", async () => {
    const spec = oktaRoleSpec([RESET], `groups/${groupId}/users`);
    const grantId = randomUUID();
    await adapter.ensureRole(target, spec);
    const b = bindingFor(grantId, spec);
    await adapter.bind(target, b);
    await adapter.bind(target, b);
    const mine = [...fake.state.assignments.values()].filter((a) => a.userId === people.admin.id);
    expect(mine).toHaveLength(1);
    const later = { ...b, notAfter: new Date(b.notAfter.getTime() + 3_600_000) };
    await adapter.bind(target, later);
    expect((await adapter.inspect(target, bindingIdFor(grantId))).notAfter).toBe(
      later.notAfter.toISOString(),
    );
    // Okta evaluates group membership now: a user added to G is covered, one removed is not.
    fake.state.groups.get(groupId)?.members.add(people.outsider.id);
    expect(mayPerform(fake.state, people.admin.id, RESET, { type: "user", id: people.outsider.id })).toBe(
      true,
    );
    fake.state.groups.get(groupId)?.members.delete(people.outsider.id);
    await adapter.unbind(target, bindingIdFor(grantId));
  });

  it("listManaged pages through roles and resource sets (_links.next) and finds only Elevate's", async () => {
    fake.state.pageSize = 2;
    fake.state.roles.set("cr0foreign", {
      id: "cr0foreign",
      label: "Helpdesk",
      description: "made by hand",
      permissions: [RESET],
      created: new Date().toISOString(),
    });
    const specs = [RESET, UNLOCK, "okta.users.read"].map((p) =>
      oktaRoleSpec([p], `groups/${otherGroupId}/users`),
    );
    const grants = specs.map(() => randomUUID());
    for (const [i, spec] of specs.entries()) {
      await adapter.ensureRole(target, spec);
      await adapter.bind(target, bindingFor(grants[i], spec));
    }
    const managed = await adapter.listManaged(target);
    expect(managed.roles).toEqual(expect.arrayContaining(specs.map((s) => s.roleName)));
    expect(managed.roles).not.toContain("Helpdesk");
    expect(managed.bindings.map((x) => x.grantId)).toEqual(expect.arrayContaining(grants));
    expect(fake.calls.some((c) => c.path === "/api/v1/iam/resource-sets" && c.status === 200)).toBe(true);
    for (const g of grants) await adapter.unbind(target, bindingIdFor(g));
    fake.state.pageSize = 3;
  });

  it("a throttled call fails `throttled` with the time until X-Rate-Limit-Reset", async () => {
    fake.state.rateLimit = 1;
    fake.state.rateWindowMs = 30_000;
    fake.state.resetRateLimits();
    await adapter.listManaged(target).catch(() => undefined);
    const err = await adapter.deleteRole(target, "elevate_00000000000000000000").catch((e: unknown) => e);
    fake.state.rateLimit = 600;
    fake.state.rateWindowMs = 60_000;
    fake.state.resetRateLimits();
    expect(err).toBeInstanceOf(CloudError);
    expect((err as CloudError).kind).toBe("throttled");
    expect((err as CloudError).message).toContain("E0000047");
    expect((err as CloudError).retryAfterMs).toBeGreaterThan(20_000);
    expect(fake.calls.at(-1)?.status).toBe(429);
  });

  it("classifies failures: 5xx retryable, a bad token permanent, an unknown user permanent", async () => {
    fake.injectFault({ match: "GET /api/v1/iam/roles/", status: 503 });
    const spec = oktaRoleSpec([UNLOCK], `groups/${groupId}/users`);
    await expect(adapter.ensureRole(target, spec)).rejects.toMatchObject({ kind: "retryable" });
    const wrong = oktaAdapter({ orgUrl: fake.url, token: "not-the-token" });
    await expect(wrong.ensureRole(target, spec)).rejects.toMatchObject({ kind: "permanent" });
    await adapter.ensureRole(target, spec);
    const nobody = { ...bindingFor(randomUUID(), spec), principal: "nobody@acme.example" };
    await expect(adapter.bind(target, nobody)).rejects.toMatchObject({ kind: "permanent" });
  });

  it("refuses an org URL that is neither Okta's nor allowlisted", () => {
    expect(() => oktaAdapter({ orgUrl: "http://10.1.2.3", token: "x" })).toThrow(/endpoint refused/);
    expect(() => oktaAdapter({ orgUrl: "https://acme.okta.com", token: "x" })).not.toThrow();
    expect(() => oktaAdapter({ orgUrl: "https://acme.oktapreview.com", token: "x" })).not.toThrow();
    for (const lookalike of [
      "https://acme.okta.com.evil.example",
      "https://okta.com",
      "http://acme.okta.com",
    ])
      expect(() => oktaAdapter({ orgUrl: lookalike, token: "x" }), lookalike).toThrow(/endpoint refused/);
  });
});
