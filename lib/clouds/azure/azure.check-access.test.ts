import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type FakeAzure,
  type FakeDenyAssignment,
  type FakeProvider,
  startFakeAzure,
} from "@/lib/clouds/fakes/azure";
import { azureTarget, fixedTokenCredential } from "@/lib/clouds/fakes/azure/testing";
import { testRoleSpec } from "@/lib/testing/role-spec";
import { azureAdapter } from "./adapter";
import { AZURE_CHECKER, AZURE_PIM_CHECKER } from "./check-access";

// The cloud's own record after bind (issue 14, point 6) on Azure: the principal's role assignments at or
// above the grant's scope, `$filter=atScope() and assignedTo('{objectId}')`, and their role definitions.
// https://learn.microsoft.com/en-us/azure/role-based-access-control/role-assignments-list-rest
// https://learn.microsoft.com/en-us/rest/api/authorization/role-assignments/list-for-scope
const CONTAINERS = "Microsoft.Storage/storageAccounts/blobServices/containers";
const BLOB_READ = `${CONTAINERS}/blobs/read`;
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

async function setup(pim = false) {
  const target = azureTarget(randomUUID(), { pim });
  const sub = `/subscriptions/${target.externalId}`;
  const adapter = azureAdapter({
    credential: fixedTokenCredential(),
    endpoint: fake.url,
    ca: fake.ca,
    retry: { baseDelayMs: 5 },
  });
  const container = (name: string) =>
    `${sub}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/ordersacct/blobServices/default/containers/${name}`;
  const spec = testRoleSpec({
    cloud: "azure",
    permissions: [BLOB_READ, `${CONTAINERS}/read`],
    resource: "rg-data/ordersacct/reports",
    resourceKind: "bucket",
    accountId: target.externalId,
  });
  expect(spec.binding.scope).toBe(container("reports"));
  await adapter.ensureRole(target, spec);
  const b = {
    grantId: randomUUID(),
    orgId: target.orgId,
    roleName: spec.roleName,
    principal: randomUUID(),
    notAfter: new Date(Date.now() + 30 * 60_000),
    scope: spec.binding.scope,
  };
  const { bindingId } = await adapter.bind(target, b);
  return { target, adapter, spec, binding: { ...b, bindingId }, container, sub };
}

describe("Azure checkAccess: the principal's assignments at the scope, as Azure reports them", () => {
  it("grants the data action and the action on the named container, with ARM's request ids", async () => {
    const { target, adapter, spec, binding, container } = await setup();
    const before = fake.calls.length;
    const evidence = await adapter.checkAccess?.(target, binding, spec);
    expect(evidence).toMatchObject({ checker: AZURE_CHECKER, principal: binding.principal, permissions: 2 });
    expect(evidence?.checks.map((c) => [c.permission, c.resource, c.allowed])).toEqual([
      [BLOB_READ, container("reports"), true],
      [`${CONTAINERS}/read`, container("reports"), true],
    ]);
    expect(evidence?.checks[0].decision).toMatch(/data action/);
    const calls = fake.calls.slice(before);
    // One listing for the principal at the scope (atScope() and assignedTo()), the deny assignments at or
    // above it, then the role definition.
    expect(calls[0].path).toContain(
      `${container("reports")}/providers/Microsoft.Authorization/roleAssignments`,
    );
    expect(calls.map((c) => c.path.split("/providers/Microsoft.Authorization/")[1]?.split("/")[0])).toEqual([
      "roleAssignments",
      "denyAssignments",
      "roleDefinitions",
    ]);
    expect(evidence?.requestIds).toEqual(calls.map((c) => c.requestId));
  });

  it("denies on a sibling container (an assignment below never applies beside it) and for another principal", async () => {
    const { target, adapter, spec, binding, container } = await setup();
    const sibling = await adapter.checkAccess?.(
      target,
      { ...binding, scope: container("reports-archive") },
      spec,
    );
    expect(sibling?.checks.map((c) => c.allowed)).toEqual([false, false]);
    const other = await adapter.checkAccess?.(target, { ...binding, principal: randomUUID() }, spec);
    expect(other?.checks.map((c) => c.allowed)).toEqual([false, false]);
  });

  it("reports nothing granted after unbind: Azure no longer holds the assignment", async () => {
    const { target, adapter, spec, binding } = await setup();
    await adapter.unbind(target, binding.bindingId);
    const evidence = await adapter.checkAccess?.(target, binding, spec);
    expect(evidence?.checks.map((c) => c.allowed)).toEqual([false, false]);
  });

  it("with PIM reads the principal's schedule instances: granted until the end Azure holds, not after", async () => {
    const { target, spec, binding, container } = await setup(true);
    const at = (ms: number) =>
      azureAdapter({
        credential: fixedTokenCredential(),
        endpoint: fake.url,
        ca: fake.ca,
        retry: { baseDelayMs: 5 },
        now: () => ms,
      });
    const before = fake.calls.length;
    const now = await at(Date.now()).checkAccess?.(target, binding, spec);
    expect(now?.checker).toBe(AZURE_PIM_CHECKER);
    expect(now?.checks.map((c) => [c.resource, c.allowed])).toEqual([
      [container("reports"), true],
      [container("reports"), true],
    ]);
    const listed = fake.calls.slice(before)[0];
    expect(listed.path).toContain("/providers/Microsoft.Authorization/roleAssignmentScheduleInstances");
    const after = await at(binding.notAfter.getTime() + 1_000).checkAccess?.(target, binding, spec);
    expect(after?.checks.map((c) => c.allowed)).toEqual([false, false]);
    expect(after?.checks[0].decision).toMatch(/outside its schedule/);
    const sibling = await at(Date.now()).checkAccess?.(
      target,
      { ...binding, scope: container("reports-archive") },
      spec,
    );
    expect(sibling?.checks.map((c) => c.allowed)).toEqual([false, false]);
  });

  it("a deny assignment wins over the grant, as Azure documents; exclusions, child scopes and groups as documented", async () => {
    // https://learn.microsoft.com/en-us/azure/role-based-access-control/deny-assignments
    const { target, adapter, spec, binding, sub } = await setup();
    const rg = `${sub}/resourceGroups/rg-data`;
    const deny = (over: Partial<FakeDenyAssignment>): FakeDenyAssignment => ({
      name: randomUUID(),
      denyAssignmentName: "stack: no blob reads",
      scope: rg,
      permissions: [{ dataActions: [`${CONTAINERS}/blobs/*`] }],
      principals: [{ id: "00000000-0000-0000-0000-000000000000", type: "SystemDefined" }],
      ...over,
    });
    const run = async (d: FakeDenyAssignment) => {
      fake.state.denyAssignments.length = 0;
      fake.state.denyAssignments.push(d);
      const out = await adapter.checkAccess?.(target, binding, spec);
      fake.state.denyAssignments.length = 0;
      return out?.checks.map((c) => [c.allowed, c.decision]) ?? [];
    };
    // Everyone at the resource group: the blob read (data plane) is denied, the container read is not.
    const everyone = await run(deny({}));
    expect(everyone[0]).toEqual([false, 'denied by deny assignment "stack: no blob reads"']);
    expect(everyone[1][0]).toBe(true);
    // The principal excluded: nothing denied.
    const excluded = await run(deny({ excludePrincipals: [{ id: binding.principal, type: "User" }] }));
    expect(excluded.map((c) => c[0])).toEqual([true, true]);
    // Only at the resource group itself, not its children (the container is below it).
    const own = await run(deny({ doNotApplyToChildScopes: true }));
    expect(own.map((c) => c[0])).toEqual([true, true]);
    // The control plane is not covered by a data-plane deny, and notDataActions subtract.
    const subtracted = await run(
      deny({ permissions: [{ dataActions: ["*"], notDataActions: [BLOB_READ] }] }),
    );
    expect(subtracted.map((c) => c[0])).toEqual([true, true]);
    // A deny naming a group: not resolved, said so.
    const group = await run(deny({ principals: [{ id: randomUUID(), type: "Group" }] }));
    expect(group[0][0]).toBe(true);
    expect(group[0][1]).toMatch(/deny assignment\(s\) for groups not resolved: stack: no blob reads/);
    // A deny on a sibling resource group does not reach this container.
    const beside = await run(deny({ scope: `${sub}/resourceGroups/rg-data-archive` }));
    expect(beside.map((c) => c[0])).toEqual([true, true]);
  });
});
