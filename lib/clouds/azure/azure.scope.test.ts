import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeAzure, type FakeProvider, startFakeAzure } from "@/lib/clouds/fakes/azure";
import { azureTarget, fixedTokenCredential } from "@/lib/clouds/fakes/azure/testing";
import { CloudError } from "@/lib/clouds/port";
import { testRoleSpec } from "@/lib/testing/role-spec";
import { azureAdapter } from "./adapter";

const CONTAINERS = "Microsoft.Storage/storageAccounts/blobServices/containers";
const BLOB_READ = `${CONTAINERS}/blobs/read`;
/** Enough of the provider operations catalog for the fake to tell data from control operations. */
const CATALOG: FakeProvider[] = [
  {
    name: "Microsoft.Storage",
    operations: [],
    resourceTypes: [
      { name: "storageAccounts/blobServices/containers", operations: [{ name: `${CONTAINERS}/read` }] },
      {
        name: "storageAccounts/blobServices/containers/blobs",
        operations: [{ name: BLOB_READ, isDataAction: true }],
      },
    ],
  },
];

let fake: FakeAzure;
beforeAll(async () => {
  fake = await startFakeAzure();
  fake.state.providerOperations = CATALOG;
});
afterAll(() => fake.stop());

function setup(pim: boolean) {
  const target = azureTarget(randomUUID(), { pim });
  const sub = `/subscriptions/${target.externalId}`;
  const adapter = azureAdapter({
    credential: fixedTokenCredential(),
    endpoint: fake.url,
    ca: fake.ca,
    retry: { baseDelayMs: 5 },
  });
  // Built with the catalog, so the blob read lands in dataActions as ARM requires.
  const spec = testRoleSpec({
    cloud: "azure",
    permissions: [BLOB_READ, `${CONTAINERS}/read`],
    resource: null,
    accountId: target.externalId,
  });
  const principal = randomUUID();
  const container = (name: string) =>
    `${sub}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/ordersacct/blobServices/default/containers/${name}`;
  const binding = (scope?: string) => ({
    grantId: randomUUID(),
    orgId: target.orgId,
    roleName: spec.roleName,
    principal,
    notAfter: new Date(Date.now() + 30 * 60_000),
    scope,
  });
  const puts = () =>
    fake.calls.filter((c) => c.method === "PUT" && c.path.includes(target.externalId)).map((c) => c.path);
  const canRead = (scope: string) =>
    fake.state.canAccess(principal, BLOB_READ, Date.now(), `${scope}/blobs/x.csv`);
  return { target, sub, adapter, spec, principal, container, binding, puts, canRead };
}

describe.each([false, true])("azure adapter at the narrowest scope (pim: %s)", (pim) => {
  const kind = pim ? "roleAssignmentScheduleRequests" : "roleAssignments";

  it("assigns a container-scoped grant at that scope; inspect, listManaged and unbind find it", async () => {
    const s = setup(pim);
    await s.adapter.ensureRole(s.target, s.spec);
    const orders = s.container("orders");
    const b = s.binding(orders);
    const { bindingId } = await s.adapter.bind(s.target, b);
    // The SDK sends a scope that starts with "/" as "//…": the request path is the container's.
    const made = s.puts().filter((p) => p.includes(`/${kind}/`));
    expect(made).toHaveLength(1);
    expect(made[0]).toMatch(/\/[0-9a-f-]{36}$/);
    expect(made[0].startsWith(`/${orders}/providers/Microsoft.Authorization/${kind}/`)).toBe(true);
    // The role is still defined (and assignable) at the subscription.
    expect(
      s
        .puts()
        .filter((p) => p.includes("/roleDefinitions/"))
        .every((p) => p.startsWith(`/${s.sub}/prov`)),
    ).toBe(true);
    expect(s.canRead(orders)).toBe(true);
    expect(s.canRead(s.container("invoices"))).toBe(false);

    const seen = await s.adapter.inspect(s.target, bindingId);
    expect(seen.present).toBe(true);
    expect(seen.notAfter).toBe(b.notAfter.toISOString());
    expect(seen.raw?.scope).toBe(orders);
    expect((await s.adapter.listManaged(s.target)).bindings).toContainEqual({
      bindingId,
      grantId: b.grantId,
      roleName: s.spec.roleName,
    });

    await s.adapter.unbind(s.target, bindingId);
    expect((await s.adapter.inspect(s.target, bindingId)).present).toBe(false);
    expect((await s.adapter.listManaged(s.target)).bindings.map((x) => x.grantId)).not.toContain(b.grantId);
    expect(s.canRead(orders)).toBe(false);
  });

  it("shares one assignment between two grants at the same container, each removable alone", async () => {
    const s = setup(pim);
    await s.adapter.ensureRole(s.target, s.spec);
    const orders = s.container("orders");
    const [a, b] = [s.binding(orders), s.binding(orders)];
    await s.adapter.bind(s.target, a);
    await s.adapter.bind(s.target, b);
    await s.adapter.unbind(s.target, `elevate-${a.grantId}`);
    const left = await s.adapter.inspect(s.target, `elevate-${b.grantId}`);
    expect([left.present, left.raw?.scope]).toEqual([true, orders]);
    expect((await s.adapter.inspect(s.target, `elevate-${a.grantId}`)).present).toBe(false);
    expect(s.canRead(orders)).toBe(true);
  });

  it("keeps a grant at a sibling container (same principal and role) independent", async () => {
    const s = setup(pim);
    await s.adapter.ensureRole(s.target, s.spec);
    const [orders, invoices] = [s.container("orders"), s.container("invoices")];
    const a = await s.adapter.bind(s.target, s.binding(orders));
    const b = await s.adapter.bind(s.target, s.binding(invoices));
    const wide = await s.adapter.bind(s.target, s.binding());
    expect(
      new Set(
        s
          .puts()
          .filter((p) => p.includes(`/${kind}/`))
          .map((p) => p.split("/providers/Microsoft.Authorization/")[0]),
      ).size,
    ).toBe(3);
    expect((await s.adapter.listManaged(s.target)).bindings.map((x) => x.bindingId).sort()).toEqual(
      [a.bindingId, b.bindingId, wide.bindingId].sort(),
    );

    await s.adapter.unbind(s.target, a.bindingId);
    expect((await s.adapter.inspect(s.target, a.bindingId)).present).toBe(false);
    expect((await s.adapter.inspect(s.target, b.bindingId)).raw?.scope).toBe(invoices);
    expect((await s.adapter.inspect(s.target, wide.bindingId)).raw?.scope).toBe(s.sub);
    await s.adapter.unbind(s.target, wide.bindingId);
    expect(s.canRead(orders)).toBe(false);
    expect(s.canRead(invoices)).toBe(true);
  });
});

describe("azure adapter scope checks", () => {
  it("refuses a scope outside the target's subscription, or malformed, before calling Azure", async () => {
    const s = setup(false);
    const other = `/subscriptions/${randomUUID()}`;
    const bad: [string, RegExp][] = [
      [`${other}/resourceGroups/rg-data`, /not within the target's subscription/],
      [`${s.sub}0/resourceGroups/rg-data`, /not within/],
      ["/subscriptions", /not within/],
      ["/", /empty segment/],
      ["", /must start with/],
      [`${s.sub}/resourceGroups/`, /empty segment/],
      [`/${s.sub}/resourceGroups/rg`, /empty segment/],
      [`${s.sub}/resourceGroups`, /names no resource group/],
      [`${s.sub}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts`, /without a name/],
      [`${s.sub}/resourceGroups/rg/providers/Microsoft.Storage`, /no resource type/],
      [`${s.sub}/resourceGroups/rg/storageAccounts/a`, /where "providers" belongs/],
      [`${s.sub}/resourceGroups/rg/../../../${other.slice(1)}`, /invalid segment/],
      [`${s.sub}/resourceGroups/*`, /invalid segment/],
      [`${s.sub}/resourceGroups/rg?x=1`, /invalid segment/],
    ];
    for (const [scope, why] of bad) {
      const e = await s.adapter.bind(s.target, s.binding(scope)).then(
        () => null,
        (err: unknown) => err,
      );
      expect(e, scope).toBeInstanceOf(CloudError);
      expect((e as CloudError).kind).toBe("permanent");
      expect((e as CloudError).message).toMatch(why);
    }
    expect(fake.calls.filter((c) => c.path.includes(s.target.externalId))).toHaveLength(0);
  });

  it("matches the subscription case-insensitively and keeps the resource part as given", async () => {
    const s = setup(false);
    await s.adapter.ensureRole(s.target, s.spec);
    const shouting = `/SUBSCRIPTIONS/${s.target.externalId.toUpperCase()}/resourceGroups/RG-Data`;
    const { bindingId } = await s.adapter.bind(s.target, s.binding(shouting));
    expect((await s.adapter.inspect(s.target, bindingId)).raw?.scope).toBe(`${s.sub}/resourceGroups/RG-Data`);
  });
});
