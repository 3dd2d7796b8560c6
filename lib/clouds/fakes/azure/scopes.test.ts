import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AZURE_DOCS as DOCS } from "./docs";
import { type FakeAzure, startFakeAzure } from "./index";
import { type ArmError, callAzure } from "./testing";

let fake: FakeAzure;
beforeAll(async () => {
  fake = await startFakeAzure();
});
afterAll(() => fake.stop());

const AUTH = "/providers/Microsoft.Authorization";
const principal = randomUUID();
const call = (method: string, path: string, body?: unknown) => callAzure(fake, method, path, body);

/** A subscription with one custom role assignable in it. */
async function subscription() {
  const scope = `/subscriptions/${randomUUID()}`;
  const role = randomUUID();
  const def = await call("PUT", `${scope}${AUTH}/roleDefinitions/${role}`, {
    properties: {
      roleName: `r ${role}`,
      permissions: [{ actions: ["Microsoft.Storage/storageAccounts/read"] }],
      assignableScopes: [scope],
    },
  });
  expect(def.status).toBe(201);
  const assign = (at: string, who = principal) =>
    call("PUT", `${at}${AUTH}/roleAssignments/${randomUUID()}`, {
      properties: { roleDefinitionId: `${scope}${AUTH}/roleDefinitions/${role}`, principalId: who },
    });
  const list = async (at: string, filter?: string) => {
    const q = filter ? `?$filter=${encodeURIComponent(filter)}` : "";
    const r = await call("GET", `${at}${AUTH}/roleAssignments${q}`);
    return {
      status: r.status,
      scopes: ((r.body.value ?? []) as { properties: { scope: string } }[]).map((a) => a.properties.scope),
    };
  };
  return { scope, role, assign, list };
}

/** A realistic blob container scope of about 200 characters. */
const RG = "rg-orders-production-westeurope-001";
const containerScope = (sub: string, container: string) =>
  `${sub}/resourceGroups/${RG}/providers/Microsoft.Storage/storageAccounts/stordersprodweu001/blobServices/default/containers/${container}`;

function expectRefused(r: { status: number; body: ArmError }, code: string) {
  expect(r.status).toBe(400);
  expect(r.body).toEqual({ error: { code, message: expect.any(String) } });
  expect(r.body.error.code).toBe(code);
}

describe(`scopes (${DOCS.assignmentsCreate}, ${DOCS.scopeOverview})`, () => {
  it("accepts a realistic container scope of about 200 characters, and keeps its case", async () => {
    const s = await subscription();
    const scope = containerScope(s.scope, "orders-archive-2024-invoices-eu");
    expect(scope.length).toBeGreaterThan(190);
    expect((await s.assign(scope)).status).toBe(201);
    expect((await s.list(scope)).scopes).toContain(scope);
  });

  it("refuses malformed scopes on every route: empty segments, odd type/name pairs, missing names", async () => {
    // The REST reference's `scope` grammar: .../resourceGroups/{rg}/providers/{namespace}/{type}/{name}.
    // ARM's gateway answers these 400 InvalidApiVersionParameter (it cannot route them).
    const s = await subscription();
    const rg = `${s.scope}/resourceGroups/rg-data`;
    const bad = [
      `${s.scope}/resourceGroups//providers/Microsoft.Storage/storageAccounts/a`,
      `${rg}/providers/Microsoft.Storage/storageAccounts/a/`,
      `${rg}/providers/Microsoft.Storage/storageAccounts`,
      `${rg}/providers/Microsoft.Storage/storageAccounts/a/blobServices`,
      `${rg}/providers/Microsoft.Storage`,
      `${rg}/providers`,
      `${s.scope}/resourceGroups`,
      `${rg}/storageAccounts/a`,
      `/tenants/${randomUUID()}`,
    ];
    for (const scope of bad) {
      expectRefused(await s.assign(scope), "InvalidApiVersionParameter");
      expectRefused(await call("GET", `${scope}${AUTH}/roleAssignments`), "InvalidApiVersionParameter");
      expectRefused(
        await call("GET", `${scope}${AUTH}/roleAssignmentScheduleRequests`),
        "InvalidApiVersionParameter",
      );
    }
    expectRefused(await s.assign("/subscriptions/not-a-guid"), "InvalidSubscriptionId");
  });

  it("keeps role assignment names unique across scopes", async () => {
    // troubleshooting "ARM template role assignment returns BadRequest status": names are tenant-unique.
    const s = await subscription();
    const name = randomUUID();
    const body = {
      properties: { roleDefinitionId: `${s.scope}${AUTH}/roleDefinitions/${s.role}`, principalId: principal },
    };
    expect(
      (await call("PUT", `${s.scope}/resourceGroups/a${AUTH}/roleAssignments/${name}`, body)).status,
    ).toBe(201);
    const again = await call("PUT", `${s.scope}/resourceGroups/b${AUTH}/roleAssignments/${name}`, body);
    expectRefused(again, "RoleAssignmentUpdateNotPermitted");
  });
});

describe(`listForScope filters (${DOCS.assignmentsList}, ${DOCS.listRest}, ${DOCS.denyListRest})`, () => {
  it("atScope() is at or above; no filter and principalId are at, above and below", async () => {
    const s = await subscription();
    const rg = `${s.scope}/resourceGroups/${RG}`;
    const orders = containerScope(s.scope, "orders");
    const other = randomUUID();
    for (const at of [s.scope, rg, orders]) expect((await s.assign(at)).status).toBe(201);
    expect((await s.assign(containerScope(s.scope, "invoices"), other)).status).toBe(201);

    // REST reference: "$filter=atScope() to return all role assignments at or above the scope".
    expect((await s.list(rg, "atScope()")).scopes.sort()).toEqual([s.scope, rg].sort());
    expect((await s.list(s.scope, "atScope()")).scopes).toEqual([s.scope]);
    // No filter: at, above and below (the wording the deny-assignment page gives the same API family).
    expect((await s.list(s.scope)).scopes).toHaveLength(4);
    expect((await s.list(rg)).scopes).toHaveLength(4);
    expect((await s.list(orders)).scopes.sort()).toEqual([s.scope, rg, orders].sort());
    // "$filter=principalId eq {id}": at, above or below, for that principal only.
    expect((await s.list(s.scope, `principalId eq '${principal}'`)).scopes).toHaveLength(3);
    expect((await s.list(s.scope, `principalId eq '${other}'`)).scopes).toHaveLength(1);
    expectRefused(await call("GET", `${s.scope}${AUTH}/roleAssignments?$filter=bogus()`), "BadRequest");
  });

  it("PIM schedule requests list the same way", async () => {
    // Schedule Requests - List For Scope: atScope() at or above; principalId eq at, above or below.
    const s = await subscription();
    const orders = containerScope(s.scope, "orders");
    const request = (at: string) =>
      call("PUT", `${at}${AUTH}/roleAssignmentScheduleRequests/${randomUUID()}`, {
        properties: {
          principalId: principal,
          roleDefinitionId: `${s.scope}${AUTH}/roleDefinitions/${s.role}`,
          requestType: "AdminAssign",
          justification: "j",
          scheduleInfo: {
            expiration: { type: "AfterDateTime", endDateTime: new Date(Date.now() + 60_000).toISOString() },
          },
        },
      });
    expect((await request(orders)).status).toBe(201);
    const list = async (filter?: string) => {
      const q = filter ? `?$filter=${encodeURIComponent(filter)}` : "";
      return (
        (await call("GET", `${s.scope}${AUTH}/roleAssignmentScheduleRequests${q}`)).body.value as unknown[]
      ).length;
    };
    expect(await list()).toBe(1);
    expect(await list("atScope()")).toBe(0);
    expect(await list(`principalId eq '${principal}'`)).toBe(1);
  });
});
