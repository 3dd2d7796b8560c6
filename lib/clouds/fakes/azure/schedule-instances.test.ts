import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { azureAdapter } from "@/lib/clouds/azure/adapter";
import { testRoleSpec } from "@/lib/testing/role-spec";
import { type FakeAzure, startFakeAzure } from "./index";
import { azureTarget, callAzure, fixedTokenCredential } from "./testing";

// PIM role assignment schedule instances, list only, as documented in "Role Assignment Schedule Instances -
// List For Scope": $filter=assignedTo('{userId}') returns the user's instances; atScope() those at or above.
// https://learn.microsoft.com/en-us/rest/api/authorization/role-assignment-schedule-instances/list-for-scope
let fake: FakeAzure;
beforeAll(async () => {
  fake = await startFakeAzure();
});
afterAll(() => fake.stop());

type Instance = {
  properties: { scope: string; principalId: string; startDateTime: string; endDateTime: string };
};

async function pimGrant() {
  const target = azureTarget(randomUUID(), { pim: true });
  const adapter = azureAdapter({ credential: fixedTokenCredential(), endpoint: fake.url, ca: fake.ca });
  const spec = testRoleSpec({
    cloud: "azure",
    permissions: ["Microsoft.Insights/metrics/read"],
    resource: null,
    accountId: target.externalId,
  });
  await adapter.ensureRole(target, spec);
  const principal = randomUUID();
  const notAfter = new Date(Date.now() + 30 * 60_000);
  const b = { grantId: randomUUID(), orgId: target.orgId, roleName: spec.roleName, principal, notAfter };
  const { bindingId } = await adapter.bind(target, b);
  const sub = `/subscriptions/${target.externalId}`;
  const list = async (scope: string, filter: string) =>
    (
      await callAzure(
        fake,
        "GET",
        `${scope}/providers/Microsoft.Authorization/roleAssignmentScheduleInstances?$filter=${encodeURIComponent(filter)}`,
      )
    ).body as unknown as { value: Instance[] };
  return { target, adapter, bindingId, principal, notAfter, sub, list };
}

describe("fake PIM schedule instances", () => {
  it("lists the user's active schedule with its start and end; another user's filter lists nothing", async () => {
    const { principal, notAfter, sub, list } = await pimGrant();
    const mine = await list(sub, `assignedTo('${principal}')`);
    expect(mine.value).toHaveLength(1);
    expect(mine.value[0].properties).toMatchObject({ scope: sub, principalId: principal });
    expect(Date.parse(mine.value[0].properties.endDateTime)).toBe(notAfter.getTime());
    expect(Date.parse(mine.value[0].properties.startDateTime)).toBeLessThanOrEqual(Date.now());
    expect((await list(sub, `assignedTo('${randomUUID()}')`)).value).toEqual([]);
    // At a resource group below the subscription, the subscription's instance applies (at or above).
    expect(
      (await list(`${sub}/resourceGroups/rg-x`, `atScope() and assignedTo('${principal}')`)).value,
    ).toHaveLength(1);
  });

  it("no longer lists a schedule after AdminRemove", async () => {
    const { target, adapter, bindingId, principal, sub, list } = await pimGrant();
    await adapter.unbind(target, bindingId);
    expect((await list(sub, `assignedTo('${principal}')`)).value).toEqual([]);
  });

  it("refuses an unsupported filter with 400, and a write with 405", async () => {
    const { sub } = await pimGrant();
    const bad = await callAzure(
      fake,
      "GET",
      `${sub}/providers/Microsoft.Authorization/roleAssignmentScheduleInstances?$filter=${encodeURIComponent("roleName eq 'x'")}`,
    );
    expect(bad.status).toBe(400);
    const put = await callAzure(
      fake,
      "PUT",
      `${sub}/providers/Microsoft.Authorization/roleAssignmentScheduleInstances`,
    );
    expect(put.status).toBe(405);
  });
});
