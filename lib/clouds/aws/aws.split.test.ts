import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { fakeAwsPerTest } from "./testing";

const { setup, stopAll } = fakeAwsPerTest();
afterEach(stopAll);

/** Real read-only actions, far more than one 6,144-character managed policy holds. */
const MANY = ["ec2:Describe*", "ec2:Get*", "rds:Describe*", "s3:Get*", "s3:List*"];

describe("aws adapter: a permission set split into several managed policies", () => {
  it("creates every part, attaches them all after the expiry Deny, detaches and deletes them as a unit", async () => {
    const s = await setup();
    const spec = s.spec(MANY);
    const parts = spec.parts ?? [];
    expect(parts.length).toBeGreaterThanOrEqual(3);
    const names = parts.map((_, i) => `${spec.roleName}-p${i + 1}`);
    const arns = names.map((n) => `arn:aws:iam::123456789012:policy/elevate/${spec.roleName}/${n}`);

    const ensured = await s.adapter.ensureRole(s.target, spec);
    expect(ensured.roleName).toBe(spec.roleName);
    expect(ensured.requestIds).toHaveLength(parts.length);
    expect([...s.fake.state.policies.values()].map((p) => p.arn)).toEqual(arns);
    const stored = names.map((n) =>
      JSON.parse(s.fake.state.policies.get(n.toLowerCase())?.versions[0].document ?? ""),
    );
    expect(stored).toEqual(parts);

    const b = s.binding(randomUUID(), 60);
    const from = s.fake.state.calls.length;
    const { bindingId } = await s.adapter.bind(s.target, { ...b, roleName: spec.roleName });
    const calls = s.fake.state.calls.slice(from);
    // The expiry Deny is written before the first Allow is attached.
    const deny = calls.findIndex((c) => c.action === "PutRolePolicy");
    const firstAttach = calls.findIndex((c) => c.action === "AttachRolePolicy" && c.status === 200);
    expect(deny).toBeGreaterThanOrEqual(0);
    expect(deny).toBeLessThan(firstAttach);
    const role = s.fake.state.roles.get(bindingId);
    expect(role?.attached).toEqual(arns);
    expect(role?.inline.has("elevate-expiry")).toBe(true);

    const seen = await s.adapter.inspect(s.target, bindingId);
    expect(seen.present).toBe(true);
    expect(Math.abs(Date.parse(seen.notAfter ?? "") - b.notAfter.getTime())).toBeLessThan(1000);
    expect(seen.raw?.attachedPolicies).toEqual(names);

    // Drift and garbage collection see one role and one binding, not one per part.
    const managed = await s.adapter.listManaged(s.target);
    expect(managed.roles).toEqual([spec.roleName]);
    expect(managed.bindings).toEqual([{ bindingId, grantId: b.grantId, roleName: spec.roleName }]);

    await s.adapter.unbind(s.target, bindingId);
    expect([...s.fake.state.roles.values()].flatMap((r) => r.attached)).toEqual([]);
    expect(s.fake.state.roles.size).toBe(0);
    expect((await s.adapter.listManaged(s.target)).bindings).toEqual([]);

    await s.adapter.deleteRole(s.target, spec.roleName);
    expect(s.fake.state.policies.size).toBe(0);
    await s.adapter.deleteRole(s.target, spec.roleName);
    expect((await s.adapter.listManaged(s.target)).roles).toEqual([]);
  });

  it("ensureRole is idempotent and recreates a missing part; deleteRole refuses while a part is attached", async () => {
    const s = await setup();
    const spec = s.spec(MANY);
    await s.adapter.ensureRole(s.target, spec);
    s.fake.state.policies.delete(`${spec.roleName}-p2`.toLowerCase());
    await s.adapter.ensureRole(s.target, spec);
    expect(s.fake.state.policies.size).toBe(spec.parts?.length);
    const { bindingId } = await s.adapter.bind(s.target, { ...s.binding(), roleName: spec.roleName });
    const refused = await s.adapter.deleteRole(s.target, spec.roleName).then(
      () => null,
      (e: Error) => e.message,
    );
    expect(refused).toMatch(/DeleteConflict/);
    await s.adapter.unbind(s.target, bindingId);
    await s.adapter.deleteRole(s.target, spec.roleName);
    expect(s.fake.state.policies.size).toBe(0);
  });
});
