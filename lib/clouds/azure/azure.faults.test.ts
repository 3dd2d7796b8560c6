import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeAzure, startFakeAzure } from "@/lib/clouds/fakes/azure";
import { azureTarget, fixedTokenCredential } from "@/lib/clouds/fakes/azure/testing";
import { bindingIdFor, CloudError } from "@/lib/clouds/port";
import { testRoleSpec } from "@/lib/testing/role-spec";
import { azureAdapter } from "./adapter";
import { roleGuid } from "./ids";

let fake: FakeAzure;
beforeAll(async () => {
  fake = await startFakeAzure();
});
afterAll(() => fake.stop());

const ACTION = "Microsoft.Insights/logs/read";
const setup = (settings: Record<string, unknown> = {}, retry = { baseDelayMs: 5 }) => {
  const target = azureTarget(randomUUID(), settings);
  const adapter = azureAdapter({
    credential: fixedTokenCredential(),
    endpoint: fake.url,
    ca: fake.ca,
    retry,
  });
  const spec = testRoleSpec({
    cloud: "azure",
    permissions: [ACTION],
    resource: null,
    accountId: target.externalId,
  });
  const principal = randomUUID();
  const binding = (grantId = randomUUID(), ms = 30 * 60_000) => ({
    grantId,
    orgId: target.orgId,
    roleName: spec.roleName,
    principal,
    notAfter: new Date(Date.now() + ms),
  });
  const callsTo = (what: string) =>
    fake.calls.filter((c) => c.path.includes(target.externalId) && c.path.includes(what));
  return { target, adapter, spec, principal, binding, callsTo };
};
const failure = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(CloudError);
  return e as CloudError;
};

describe("azure adapter under injected faults", () => {
  it("retries a 5xx and then succeeds, keeping the x-ms-request-ids as evidence", async () => {
    const { target, adapter, spec, callsTo } = setup();
    fake.injectFault({
      match: `PUT //subscriptions/${target.externalId}/providers/Microsoft.Authorization/roleDefinitions`,
      status: 503,
      times: 1,
    });
    const since = fake.calls.length;
    const out = await adapter.ensureRole(target, spec);
    expect(callsTo("roleDefinitions").map((c) => `${c.method} ${c.status}`)).toEqual([
      "GET 404",
      "PUT 503",
      "PUT 201",
    ]);
    expect(out.requestIds).toEqual(fake.calls.slice(since).map((c) => c.requestId));
  });

  it("waits out a 429 Retry-After, and hands a long one to the caller as throttled", async () => {
    const { target, adapter, spec, binding } = setup();
    await adapter.ensureRole(target, spec);
    fake.injectFault({ match: "roleAssignments", status: 429, retryAfterSeconds: 1, times: 1 });
    const started = Date.now();
    await adapter.bind(target, binding());
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    fake.injectFault({ match: "roleAssignments", status: 429, retryAfterSeconds: 90, times: 1 });
    const e = await failure(adapter.bind(target, binding()));
    expect([e.kind, e.retryAfterMs]).toEqual(["throttled", 90_000]);
  });

  it("403 AuthorizationFailed on unbind is permanent, not retried, and the assignment stays", async () => {
    const { target, adapter, spec, binding, callsTo } = setup();
    await adapter.ensureRole(target, spec);
    const { bindingId } = await adapter.bind(target, binding());
    fake.injectFault({
      match: /^DELETE .*roleAssignments\//,
      status: 403,
      body: {
        error: {
          code: "AuthorizationFailed",
          message: "The client does not have authorization to perform action.",
        },
      },
      times: 1,
    });
    const e = await failure(adapter.unbind(target, bindingId));
    expect(e.kind).toBe("permanent");
    expect(e.message).toMatch(/AuthorizationFailed/);
    expect(callsTo("roleAssignments/").filter((c) => c.method === "DELETE")).toHaveLength(1);
    expect((await adapter.inspect(target, bindingId)).present).toBe(true);
  });

  it("404 on unbind is done", async () => {
    const { target, adapter, spec, binding } = setup();
    await adapter.ensureRole(target, spec);
    const { bindingId } = await adapter.bind(target, binding());
    fake.injectFault({
      match: /^DELETE .*roleAssignments\//,
      status: 404,
      body: { error: { code: "RoleAssignmentNotFound", message: "gone" } },
      times: 1,
    });
    const out = await adapter.unbind(target, bindingId);
    expect(out.requestIds.length).toBeGreaterThan(1);
  });

  it("a principal holding the role through someone else's assignment is a permanent, explained failure", async () => {
    const { target, adapter, spec, principal, binding } = setup();
    await adapter.ensureRole(target, spec);
    const scope = `/subscriptions/${target.externalId}`;
    fake.state.assignments.set(`${scope}/manual`, {
      name: "manual",
      scope,
      roleDefinitionId: `${scope}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid(spec.roleName)}`,
      principalId: principal,
      createdOn: "",
      updatedOn: "",
    });
    const e = await failure(adapter.bind(target, binding()));
    expect(e.kind).toBe("permanent");
    expect(e.message).toMatch(/does not manage/);
  });
});

describe("azure adapter semantics", () => {
  it("PIM: the schedule request carries the grant's expiry and Azure ends access by itself", async () => {
    const { target, adapter, spec, principal, binding } = setup({ pim: true });
    await adapter.ensureRole(target, spec);
    const b = binding(randomUUID(), 400);
    await adapter.bind(target, b);
    const [request] = [...fake.state.scheduleRequests.values()].filter((r) => r.principalId === principal);
    expect(request.requestType).toBe("AdminAssign");
    expect(request.scheduleInfo?.expiration).toEqual({
      type: "AfterDateTime",
      endDateTime: b.notAfter.toISOString(),
    });
    expect(request.justification).toContain(b.grantId);
    expect(fake.state.canAccess(principal, ACTION)).toBe(true);
    expect(fake.state.canAccess(principal, ACTION, b.notAfter.getTime())).toBe(false);
    expect(
      fake.state.assignments.size === 0 ||
        ![...fake.state.assignments.values()].some((a) => a.principalId === principal),
    ).toBe(true);
  });

  it("PIM: overlapping grants extend, then shorten, then remove the one schedule", async () => {
    const { target, adapter, spec, principal, binding } = setup({ pim: true });
    await adapter.ensureRole(target, spec);
    const short = binding(randomUUID(), 10 * 60_000);
    const long = binding(randomUUID(), 60 * 60_000);
    await adapter.bind(target, short);
    await adapter.bind(target, long);
    await adapter.unbind(target, bindingIdFor(long.grantId));
    const mine = [...fake.state.scheduleRequests.values()].filter((r) => r.principalId === principal);
    expect(mine.map((r) => [r.requestType, r.scheduleInfo?.expiration?.endDateTime])).toEqual([
      ["AdminAssign", short.notAfter.toISOString()],
      ["AdminUpdate", long.notAfter.toISOString()],
      ["AdminUpdate", short.notAfter.toISOString()],
    ]);
    expect((await adapter.inspect(target, bindingIdFor(short.grantId))).present).toBe(true);
    await adapter.unbind(target, bindingIdFor(short.grantId));
    expect(
      [...fake.state.scheduleRequests.values()].filter((r) => r.principalId === principal).at(-1)
        ?.requestType,
    ).toBe("AdminRemove");
    expect(fake.state.canAccess(principal, ACTION)).toBe(false);
  });

  it("direct mode: access appears only after the propagation delay and ends on unbind", async () => {
    const { target, adapter, spec, principal, binding } = setup();
    await adapter.ensureRole(target, spec);
    fake.setPropagationDelay(150);
    const { bindingId } = await adapter.bind(target, binding());
    expect(fake.state.canAccess(principal, ACTION)).toBe(false);
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.state.canAccess(principal, ACTION)).toBe(true);
    fake.setPropagationDelay(0);
    await adapter.unbind(target, bindingId);
    expect(fake.state.canAccess(principal, ACTION)).toBe(false);
  });

  it("refuses built-in roles, non-GUID principals and odd grant ids before calling Azure", async () => {
    const { target, adapter, binding, callsTo } = setup();
    for (const bad of [
      { roleName: "Owner" },
      { roleName: "Elevate x" },
      { principal: "alice@example.com" },
      { grantId: "a,b@c" },
    ]) {
      expect((await failure(adapter.bind(target, { ...binding(), ...bad }))).kind).toBe("permanent");
    }
    expect(callsTo("roleAssignments")).toHaveLength(0);
  });

  it("one role definition serves several subscriptions; deleting it in one keeps the others", async () => {
    const a = setup();
    const b = { ...a, target: azureTarget() };
    await a.adapter.ensureRole(a.target, a.spec);
    await a.adapter.ensureRole(b.target, a.spec);
    const def = fake.state.definitions.get(roleGuid(a.spec.roleName));
    expect(def?.assignableScopes).toEqual(
      expect.arrayContaining([
        `/subscriptions/${a.target.externalId}`,
        `/subscriptions/${b.target.externalId}`,
      ]),
    );
    await a.adapter.deleteRole(a.target, a.spec.roleName);
    expect((await a.adapter.listManaged(a.target)).roles).not.toContain(a.spec.roleName);
    expect((await a.adapter.listManaged(b.target)).roles).toContain(a.spec.roleName);
  });

  it("reports the tenant's custom role limit as permanent", async () => {
    const { target, adapter } = setup();
    const full = new Map(fake.state.definitions);
    for (let i = fake.state.definitions.size; i < 5_000; i++) {
      const guid = `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
      fake.state.definitions.set(guid, {
        guid,
        roleName: `other ${i}`,
        description: "",
        permissions: [],
        assignableScopes: ["/subscriptions/x"],
        createdOn: "",
      });
    }
    const spec = testRoleSpec({
      cloud: "azure",
      permissions: ["Microsoft.Web/sites/read"],
      resource: null,
      accountId: target.externalId,
    });
    const e = await failure(adapter.ensureRole(target, spec));
    expect(e.kind).toBe("permanent");
    expect(e.message).toMatch(/RoleDefinitionLimitExceeded/);
    fake.state.definitions.clear();
    for (const [k, v] of full) fake.state.definitions.set(k, v);
  });
});
