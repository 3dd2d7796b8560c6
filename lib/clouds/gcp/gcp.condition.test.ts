import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RoleSpec } from "@/db/schema";
import { type FakeGcp, startFakeGcp } from "@/lib/clouds/fakes/gcp";
import { fixedTokenClient, gcpTarget } from "@/lib/clouds/fakes/gcp/testing";
import { type BindingSpec, bindingIdFor, CloudError } from "@/lib/clouds/port";
import { gcpAdapter } from "./adapter";

// A resource constraint as the role builder writes it (typed values only), for one bucket and its objects.
const BUCKET_CONDITION =
  "resource.name.startsWith('projects/_/buckets/orders-reports/objects/') || " +
  "(resource.type == 'storage.googleapis.com/Bucket' && resource.name == 'projects/_/buckets/orders-reports')";
const OBJECT = "storage.googleapis.com/Object";

let fake: FakeGcp;
beforeAll(async () => {
  fake = await startFakeGcp();
});
afterAll(() => fake.stop());

// Built by hand: this suite is about the binding, not about what the role builder chooses.
const spec: RoleSpec = {
  cloud: "gcp",
  permissions: ["storage.objects.get", "storage.buckets.get"],
  resource: "orders-reports",
  hash: "c0ffee12",
  roleName: "elevate_c0ffee12",
  document: {},
};

async function setup() {
  const target = gcpTarget(`proj-${randomUUID().slice(0, 8)}`);
  const adapter = gcpAdapter({
    authClient: fixedTokenClient(),
    iamUrl: fake.url,
    resourceManagerUrl: fake.url,
    retry: { baseDelayMs: 5 },
  });
  await adapter.ensureRole(target, spec);
  const binding = (over: Partial<BindingSpec> = {}): BindingSpec => ({
    grantId: randomUUID(),
    orgId: target.orgId,
    roleName: spec.roleName,
    principal: "bob@example.com",
    notAfter: new Date(Date.now() + 30 * 60_000),
    condition: BUCKET_CONDITION,
    ...over,
  });
  const calls = () => fake.calls.filter((c) => c.path.includes(target.externalId));
  /** The bindings of the last policy the adapter sent, as they went over the wire. */
  const sent = () => {
    const last = calls()
      .filter((c) => c.path.endsWith(":setIamPolicy"))
      .at(-1);
    if (!last) throw new Error("no setIamPolicy was sent");
    return (last.body as { policy: { version: number; bindings: Record<string, unknown>[] } }).policy;
  };
  return { target, adapter, binding, calls, sent };
}
const expression = (notAfter: Date) =>
  `request.time < timestamp('${notAfter.toISOString()}') && (${BUCKET_CONDITION})`;

describe("gcp binding with a resource condition, through the real client and the wire fake", () => {
  it("sends exactly the expiry joined to the condition, and reads the expiry back", async () => {
    const { target, adapter, binding, sent } = await setup();
    const b = binding();
    const { bindingId } = await adapter.bind(target, b);
    const policy = sent();
    expect(policy.version).toBe(3);
    expect(policy.bindings).toEqual([
      {
        role: `projects/${target.externalId}/roles/${spec.roleName}`,
        members: ["user:bob@example.com"],
        condition: {
          title: `elevate:${b.grantId}`,
          description: expect.any(String),
          expression: expression(b.notAfter),
        },
      },
    ]);
    const seen = await adapter.inspect(target, bindingId);
    expect(seen).toMatchObject({ present: true, notAfter: b.notAfter.toISOString() });
    expect(seen.raw).toMatchObject({ condition: { expression: expression(b.notAfter) } });
  });

  it("lets the cloud grant only inside the bucket and only before expiry", async () => {
    const { target, adapter, binding } = await setup();
    const b = binding();
    await adapter.bind(target, b);
    const can = (name: string, at = Date.now(), type = OBJECT) =>
      fake.state.canAccess(target.externalId, "user:bob@example.com", "storage.objects.get", at, {
        type,
        name,
      });
    expect(can("projects/_/buckets/orders-reports/objects/2030/q1.csv")).toBe(true);
    expect(can("projects/_/buckets/orders-archive/objects/2030/q1.csv")).toBe(false);
    expect(can("projects/_/buckets/orders-reports/objects/x", b.notAfter.getTime())).toBe(false);
  });

  it("replaces the whole expression when an extension re-binds with a later expiry", async () => {
    const { target, adapter, binding, sent } = await setup();
    const b = binding();
    await adapter.bind(target, b);
    const later = { ...b, notAfter: new Date(b.notAfter.getTime() + 3_600_000) };
    await adapter.bind(target, later);
    expect(sent().bindings).toHaveLength(1);
    expect(sent().bindings[0]).toMatchObject({ condition: { expression: expression(later.notAfter) } });
    expect((await adapter.inspect(target, bindingIdFor(b.grantId))).notAfter).toBe(
      later.notAfter.toISOString(),
    );
    expect(fake.state.project(target.externalId).bindings).toHaveLength(1);
    // Same expiry and condition again: nothing to write.
    const writes = sent();
    await adapter.bind(target, later);
    expect(sent()).toBe(writes);
  });

  it("refuses an invalid condition as permanent before any call to the cloud", async () => {
    const { target, adapter, binding, calls } = await setup();
    const before = calls().length;
    // n logical operators; IAM allows 12 per condition (https://cloud.google.com/iam/quotas#limits).
    const ors = (n: number) =>
      ["resource.name == 'a'", ...Array(n).fill("resource.name == 'b'")].join(" || ");
    const refusals: [string, RegExp][] = [
      ["", /syntax error/],
      ["resource.name.startsWith('projects/_/buckets/x/'", /syntax error/],
      ["resource.name", /not bool/],
      ["resource.name.startsWith('x') || request.time < timestamp('2099-01-01T00:00:00Z')", /request\.time/],
      ["resource.name == 'x') || (true", /syntax error/], // would escape its parentheses
      [`resource.name == '${"a".repeat(12_750)}'`, /12800/],
      [ors(12), /13 logical operators/], // fine alone; the joining && makes 13
    ];
    for (const [condition, why] of refusals) {
      const e = await adapter.bind(target, binding({ condition })).catch((err: unknown) => err);
      expect(e, condition.slice(0, 60)).toBeInstanceOf(CloudError);
      expect((e as CloudError).kind).toBe("permanent");
      expect((e as CloudError).message).toMatch(why);
    }
    expect(calls()).toHaveLength(before);
    await adapter.bind(target, binding({ condition: ors(11) }));
    expect(calls().length).toBeGreaterThan(before);
  });
});
