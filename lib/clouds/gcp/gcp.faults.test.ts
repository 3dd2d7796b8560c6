import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeGcp, startFakeGcp } from "@/lib/clouds/fakes/gcp";
import { fixedTokenClient, gcpTarget } from "@/lib/clouds/fakes/gcp/testing";
import { bindingIdFor, CloudError, type TargetRow } from "@/lib/clouds/port";
import { testRoleSpec } from "@/lib/testing/role-spec";
import { gcpAdapter } from "./adapter";

let fake: FakeGcp;
beforeAll(async () => {
  fake = await startFakeGcp();
});
afterAll(() => fake.stop());

const PERMS = ["logging.logEntries.list", "logging.logs.list"];
const setup = (overrides: Parameters<typeof gcpAdapter>[0] = {}) => {
  const target: TargetRow = gcpTarget(`proj-${randomUUID().slice(0, 8)}`);
  const adapter = gcpAdapter({
    authClient: fixedTokenClient(),
    iamUrl: fake.url,
    resourceManagerUrl: fake.url,
    retry: { baseDelayMs: 5 },
    ...overrides,
  });
  const spec = testRoleSpec({
    cloud: "gcp",
    permissions: PERMS,
    resource: null,
    accountId: target.externalId,
  });
  const binding = (grantId = randomUUID(), ms = 30 * 60_000) => ({
    grantId,
    orgId: target.orgId,
    roleName: spec.roleName,
    principal: "bob@example.com",
    notAfter: new Date(Date.now() + ms),
  });
  const callsTo = (what: string) =>
    fake.calls.filter((c) => c.path.includes(target.externalId) && c.path.includes(what));
  return { target, adapter, spec, binding, callsTo };
};
const failure = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(CloudError);
  return e as CloudError;
};

describe("gcp adapter under injected faults", () => {
  it("retries a 5xx and then succeeds, keeping both request ids as evidence", async () => {
    const { target, adapter, spec, callsTo } = setup();
    fake.injectFault({ match: `${target.externalId}/roles`, status: 503, times: 1 });
    const out = await adapter.ensureRole(target, spec);
    expect(callsTo("/roles").map((c) => c.status)).toEqual([503, 200]);
    expect(out.requestIds).toEqual(callsTo("/roles").map((c) => c.requestId));
  });

  it("gives up on a persistent 5xx with a retryable error carrying the request id", async () => {
    const { target, adapter, spec, callsTo } = setup({ retry: { baseDelayMs: 1, attempts: 3 } });
    fake.injectFault({ match: `${target.externalId}/roles`, status: 500, times: 3 });
    const e = await failure(adapter.ensureRole(target, spec));
    expect(e.kind).toBe("retryable");
    expect(e.requestId).toBe(callsTo("/roles").at(-1)?.requestId);
    expect(callsTo("/roles")).toHaveLength(3);
  });

  it("waits out a 429 Retry-After and succeeds", async () => {
    const { target, adapter, spec, binding } = setup();
    await adapter.ensureRole(target, spec);
    fake.injectFault({
      match: `${target.externalId}:getIamPolicy`,
      status: 429,
      retryAfterSeconds: 1,
      times: 1,
    });
    const started = Date.now();
    await adapter.bind(target, binding());
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("hands a long Retry-After to the caller as a throttled error instead of blocking", async () => {
    const { target, adapter, binding } = setup();
    fake.injectFault({
      match: `${target.externalId}:getIamPolicy`,
      status: 429,
      retryAfterSeconds: 120,
      times: 1,
    });
    const e = await failure(adapter.bind(target, binding()));
    expect(e.kind).toBe("throttled");
    expect(e.retryAfterMs).toBe(120_000);
  });

  it("treats a timeout as retryable and succeeds on the next try", async () => {
    const { target, adapter, spec, callsTo } = setup({ timeoutMs: 300 });
    fake.injectFault({ match: `${target.externalId}/roles`, delayMs: 800, times: 1 });
    const started = Date.now();
    await adapter.ensureRole(target, spec);
    // Answered by the second try, well before the first (slow) answer would have arrived.
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(800);
    expect(callsTo("/roles").map((c) => c.status)).toEqual([200]);
    expect(fake.state.project(target.externalId).roles.has(spec.roleName)).toBe(true);
  });

  it("403 on unbind is permanent and not retried", async () => {
    const { target, adapter, spec, binding, callsTo } = setup();
    await adapter.ensureRole(target, spec);
    const { bindingId } = await adapter.bind(target, binding());
    const before = callsTo(":setIamPolicy").length;
    fake.injectFault({ match: `${target.externalId}:setIamPolicy`, status: 403, times: 1 });
    const e = await failure(adapter.unbind(target, bindingId));
    expect(e.kind).toBe("permanent");
    expect(callsTo(":setIamPolicy")).toHaveLength(before + 1);
    expect((await adapter.inspect(target, bindingId)).present).toBe(true);
  });

  it("404 on unbind (project gone) is done", async () => {
    const { target, adapter } = setup();
    fake.injectFault({ match: `${target.externalId}:getIamPolicy`, status: 404, times: 1 });
    const out = await adapter.unbind(target, bindingIdFor(randomUUID()));
    expect(out.requestIds.length).toBeGreaterThan(0);
  });

  it("re-reads and retries when the policy etag changed underneath (409 ABORTED)", async () => {
    const { target, adapter, spec, binding, callsTo } = setup();
    await adapter.ensureRole(target, spec);
    fake.injectFault({ match: `${target.externalId}:setIamPolicy`, status: 409, times: 2 });
    const { bindingId } = await adapter.bind(target, binding());
    expect(callsTo(":setIamPolicy").map((c) => c.status)).toEqual([409, 409, 200]);
    expect(callsTo(":getIamPolicy").length).toBeGreaterThanOrEqual(3);
    expect((await adapter.inspect(target, bindingId)).present).toBe(true);
  });

  it("concurrent binds on one project all land despite real etag conflicts", async () => {
    const { target, adapter, spec, binding, callsTo } = setup({ policyAttempts: 20 });
    await adapter.ensureRole(target, spec);
    const grants = Array.from({ length: 6 }, () => randomUUID());
    await Promise.all(grants.map((g) => adapter.bind(target, binding(g))));
    const managed = await adapter.listManaged(target);
    expect(managed.bindings.map((b) => b.grantId).sort()).toEqual([...grants].sort());
    expect(callsTo(":setIamPolicy").some((c) => c.status === 409)).toBe(true);
  });
});

describe("gcp adapter semantics", () => {
  it("restores a soft-deleted role (its id cannot be created again) instead of failing", async () => {
    const { target, adapter, spec, callsTo } = setup();
    await adapter.ensureRole(target, spec);
    await adapter.deleteRole(target, spec.roleName);
    expect(fake.state.project(target.externalId).roles.get(spec.roleName)?.deleted).toBe(true);
    await adapter.ensureRole(target, spec);
    expect(fake.state.project(target.externalId).roles.get(spec.roleName)?.deleted).toBe(false);
    expect(callsTo(":undelete")).toHaveLength(1);
    expect((await adapter.listManaged(target)).roles).toContain(spec.roleName);
  });

  it("writes one version-3 conditional binding per grant; the cloud denies after expiry and before propagation", async () => {
    const { target, adapter, spec, binding } = setup();
    await adapter.ensureRole(target, spec);
    fake.setPropagationDelay(150);
    const b = binding(randomUUID(), 600);
    await adapter.bind(target, b);
    const project = fake.state.project(target.externalId);
    expect(project.version).toBe(3);
    expect(project.bindings).toContainEqual({
      role: `projects/${target.externalId}/roles/${spec.roleName}`,
      members: ["user:bob@example.com"],
      condition: expect.objectContaining({
        title: `elevate:${b.grantId}`,
        expression: `request.time < timestamp('${b.notAfter.toISOString()}')`,
      }),
    });
    const can = (at?: number) =>
      fake.state.canAccess(target.externalId, "user:bob@example.com", PERMS[0], at);
    expect(can()).toBe(false);
    await new Promise((r) => setTimeout(r, 200));
    expect(can()).toBe(true);
    expect(can(b.notAfter.getTime())).toBe(false);
    fake.setPropagationDelay(0);
  });

  it("re-binding with a new expiry replaces the condition (extension) without a second binding", async () => {
    const { target, adapter, spec, binding } = setup();
    await adapter.ensureRole(target, spec);
    const b = binding();
    await adapter.bind(target, b);
    const later = { ...b, notAfter: new Date(b.notAfter.getTime() + 3_600_000) };
    await adapter.bind(target, later);
    const seen = await adapter.inspect(target, bindingIdFor(b.grantId));
    expect(seen.notAfter).toBe(later.notAfter.toISOString());
    expect(fake.state.project(target.externalId).bindings).toHaveLength(1);
  });

  it("refuses basic roles, non-user principals and text that would reach CEL, before calling the cloud", async () => {
    const { target, adapter, binding, callsTo } = setup();
    for (const bad of [
      { roleName: "roles/owner" },
      { roleName: "owner" },
      { principal: "allUsers" },
      { principal: "group:admins@example.com" },
      { principal: "a@example.com') || true || ('" },
      { grantId: "x') || true || ('" },
      { notAfter: new Date(Number.NaN) },
    ]) {
      const e = await failure(adapter.bind(target, { ...binding(), ...bad }));
      expect(e.kind).toBe("permanent");
    }
    expect(callsTo(":setIamPolicy")).toHaveLength(0);
  });

  it("refuses roles above 3,000 permissions, and reports the 300-role project quota as permanent", async () => {
    const { target, adapter, spec } = setup();
    const huge = { ...spec, permissions: Array.from({ length: 3_001 }, (_, i) => `svc.res${i}.get`) };
    expect((await failure(adapter.ensureRole(target, huge))).kind).toBe("permanent");
    const roles = fake.state.project(target.externalId).roles;
    for (let i = 0; i < 300; i++) {
      roles.set(`other_${i}`, {
        name: `r${i}`,
        title: "",
        description: "",
        includedPermissions: [],
        stage: "GA",
        etag: "x",
        deleted: false,
      });
    }
    const e = await failure(adapter.ensureRole(target, spec));
    expect(e.kind).toBe("permanent");
    expect(e.message).toMatch(/300/);
  });
});
