import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { CloudError } from "@/lib/clouds/port";
import { fakeAwsPerTest } from "./testing";

const { setup, stopAll } = fakeAwsPerTest();
afterEach(stopAll);

const rejection = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as CloudError,
  );

describe("aws adapter: what bind writes", () => {
  it("writes trust, expiry Deny and attachment, Deny before the managed policy's Allow", async () => {
    const s = await setup();
    await s.adapter.ensureRole(s.target, s.spec());
    const b = s.binding(randomUUID(), 300);
    const from = s.fake.state.calls.length;
    const { bindingId } = await s.adapter.bind(s.target, b);
    expect(s.actionsSince(from)).toEqual(["CreateRole", "PutRolePolicy", "AttachRolePolicy"]);
    const role = s.fake.state.roles.get(bindingId);
    const expiry = `${b.notAfter.toISOString().slice(0, 19)}Z`;
    expect(role?.path).toBe(`/elevate/${s.target.orgId}/`);
    // The time left, in whole seconds, as of the call (a few ms after the spec was built).
    expect(5 * 3600 - (role?.maxSessionDuration ?? 0)).toBeLessThanOrEqual(2);
    expect(Object.fromEntries((role?.tags ?? []).map((t) => [t.Key, t.Value]))).toMatchObject({
      "elevate:grant": b.grantId,
      "elevate:org": b.orgId,
      "elevate:managed": "true",
    });
    const trust = JSON.parse(role?.trustPolicy ?? "{}").Statement[0];
    expect(trust.Principal.AWS).toBe(b.principal);
    expect(trust.Condition).toEqual({
      DateLessThan: { "aws:CurrentTime": expiry },
      StringEquals: { "sts:RoleSessionName": b.grantId },
    });
    const deny = JSON.parse(role?.inline.get("elevate-expiry") ?? "{}").Statement[0];
    expect(deny).toMatchObject({ Effect: "Deny", Action: "*", Resource: "*" });
    expect(deny.Condition).toEqual({ DateGreaterThanEquals: { "aws:CurrentTime": expiry } });
    expect(role?.attached).toEqual([`arn:aws:iam::123456789012:policy/elevate/${b.roleName}`]);
  });

  it("keeps sessions between 1 and 12 hours whatever the time left", async () => {
    const s = await setup();
    await s.adapter.ensureRole(s.target, s.spec());
    const short = await s.adapter.bind(s.target, s.binding(randomUUID(), 10));
    const long = await s.adapter.bind(s.target, s.binding(randomUUID(), 48 * 60));
    expect(s.fake.state.roles.get(short.bindingId)?.maxSessionDuration).toBe(3600);
    expect(s.fake.state.roles.get(long.bindingId)?.maxSessionDuration).toBe(43200);
  });

  it("moves the expiry when the same grant is bound again (an extension)", async () => {
    const s = await setup();
    await s.adapter.ensureRole(s.target, s.spec());
    const grantId = randomUUID();
    const first = await s.adapter.bind(s.target, s.binding(grantId, 30));
    const later = s.binding(grantId, 180);
    const from = s.fake.state.calls.length;
    await s.adapter.bind(s.target, later);
    expect(s.actionsSince(from)).toEqual([
      "CreateRole",
      "GetRole",
      "UpdateAssumeRolePolicy",
      "UpdateRole",
      "PutRolePolicy",
      "AttachRolePolicy",
    ]);
    const seen = await s.adapter.inspect(s.target, first.bindingId);
    expect(Math.abs(Date.parse(seen.notAfter ?? "") - later.notAfter.getTime())).toBeLessThan(1000);
    expect(3 * 3600 - (s.fake.state.roles.get(first.bindingId)?.maxSessionDuration ?? 0)).toBeLessThanOrEqual(
      2,
    );
  });

  it("refuses to take over a same-named role that is not this grant's", async () => {
    const s = await setup();
    await s.adapter.ensureRole(s.target, s.spec());
    const b = s.binding();
    await s.adapter.bind(s.target, b);
    const trust = s.fake.state.roles.get(`elevate-${b.grantId}`)?.trustPolicy;
    const e = await rejection(
      s.adapter.bind(s.target, { ...b, orgId: randomUUID(), notAfter: new Date(Date.now() + 9e6) }),
    );
    expect(e?.kind).toBe("permanent");
    expect(e?.message).toMatch(/exists but is not Elevate's role for this grant/);
    expect(s.fake.state.roles.get(`elevate-${b.grantId}`)?.trustPolicy).toBe(trust);
    expect(s.fake.state.calls.filter((c) => c.action === "UpdateAssumeRolePolicy")).toHaveLength(0);
  });

  it("leaves nothing behind when the managed policy does not exist", async () => {
    const s = await setup();
    const e = await rejection(s.adapter.bind(s.target, s.binding()));
    expect(e?.kind).toBe("not_found");
    expect(s.fake.state.roles.size).toBe(0);
  });

  it("inspect reports what IAM shows, which lags a fresh write by the propagation delay", async () => {
    const s = await setup();
    await s.adapter.ensureRole(s.target, s.spec());
    s.fake.setPropagationDelay(1000);
    const { bindingId } = await s.adapter.bind(s.target, s.binding());
    expect((await s.adapter.inspect(s.target, bindingId)).present).toBe(false);
    await new Promise((r) => setTimeout(r, 1050));
    const seen = await s.adapter.inspect(s.target, bindingId);
    expect(seen.present).toBe(true);
    expect(seen.raw).toMatchObject({ attachedPolicies: [s.spec().roleName], sessionsRevoked: false });
  });

  it("listManaged shows only the target org's bindings and every Elevate policy", async () => {
    const s = await setup();
    await s.adapter.ensureRole(s.target, s.spec());
    const mine = await s.adapter.bind(s.target, s.binding());
    const otherOrg = { ...s.target, orgId: randomUUID() };
    const theirs = await s.adapter.bind(otherOrg, { ...s.binding(), orgId: otherOrg.orgId });
    const managed = await s.adapter.listManaged(s.target);
    expect(managed.bindings).toEqual([
      { bindingId: mine.bindingId, grantId: mine.bindingId.slice(8), roleName: s.spec().roleName },
    ]);
    expect((await s.adapter.listManaged(otherOrg)).bindings.map((b) => b.bindingId)).toEqual([
      theirs.bindingId,
    ]);
    expect(managed.roles).toEqual([s.spec().roleName]);
  });

  it("deleteRole removes non-default versions first and refuses a policy still attached", async () => {
    const s = await setup();
    const { roleName } = await s.adapter.ensureRole(s.target, s.spec());
    const { bindingId } = await s.adapter.bind(s.target, s.binding());
    const e = await rejection(s.adapter.deleteRole(s.target, roleName));
    expect([e?.kind, e?.message.includes("DeleteConflict")]).toEqual(["permanent", true]);
    await s.adapter.unbind(s.target, bindingId);
    const policy = s.fake.state.policies.get(roleName);
    policy?.versions.push({ id: "v2", document: "{}", isDefault: false, createDate: new Date() });
    const from = s.fake.state.calls.length;
    await s.adapter.deleteRole(s.target, roleName);
    expect(s.actionsSince(from)).toEqual([
      "ListPolicyVersions",
      "DeletePolicyVersion",
      "DeletePolicy",
      "ListPolicies",
    ]);
    expect(s.fake.state.policies.size).toBe(0);
  });
});
