import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AZURE_DOCS as DOCS } from "./docs";
import { AZURE_LIMITS, type FakeAzure, type FakeProvider, startFakeAzure } from "./index";
import { type ArmError, callAzure } from "./testing";

const STORAGE = "Microsoft.Storage/storageAccounts/blobServices/containers";
/** Real Microsoft.Storage operations, as `providerOperations?$expand=resourceTypes` lists them. */
const CATALOG: FakeProvider[] = [
  {
    name: "Microsoft.Storage",
    operations: [],
    resourceTypes: [
      {
        name: "storageAccounts/blobServices/containers",
        operations: [
          { name: `${STORAGE}/read`, isDataAction: false },
          { name: `${STORAGE}/write`, isDataAction: false },
        ],
      },
      {
        name: "storageAccounts/blobServices/containers/blobs",
        operations: [
          { name: `${STORAGE}/blobs/read`, isDataAction: true },
          { name: `${STORAGE}/blobs/write`, isDataAction: true },
        ],
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

type Perms = { actions?: string[]; notActions?: string[]; dataActions?: string[]; notDataActions?: string[] };
const sub = () => `/subscriptions/${randomUUID()}`;
const put = (scope: string, props: Record<string, unknown>) =>
  callAzure(fake, "PUT", `${scope}/providers/Microsoft.Authorization/roleDefinitions/${randomUUID()}`, {
    properties: {
      roleName: `r ${randomUUID()}`,
      description: "d",
      permissions: [{ actions: [`${STORAGE}/read`] }],
      assignableScopes: [scope],
      ...props,
    },
  });
const withPerms = (p: Perms) => put(sub(), { permissions: [p] });

/** ARM's error body and nothing else: `{ error: { code, message } }`, with a 400. */
function expectRefused(r: { status: number; body: ArmError }, code: string) {
  expect(r.status).toBe(400);
  expect(r.body).toEqual({ error: { code, message: expect.any(String) } });
  expect(r.body.error.code).toBe(code);
}

describe(`role definitions: actions vs dataActions (${DOCS.roleDefinitions}, ${DOCS.customRoles})`, () => {
  it("refuses a data-plane operation in actions or notActions, accepts it in dataActions", async () => {
    // role-definitions "Actions"/"DataActions": actions are management operations, dataActions data ones;
    // data-ness comes from the loaded provider operations catalog (isDataAction).
    const inActions = await withPerms({ actions: [`${STORAGE}/blobs/read`] });
    expectRefused(inActions, "InvalidActionOrNotAction");
    expect(inActions.body.error.message).toBe(
      `'${STORAGE}/blobs/read' does not match any of the actions supported by the providers.`,
    );
    expectRefused(
      await withPerms({ actions: [`${STORAGE}/read`], notActions: [`${STORAGE}/blobs/write`] }),
      "InvalidActionOrNotAction",
    );
    const ok = await withPerms({ actions: [`${STORAGE}/read`], dataActions: [`${STORAGE}/blobs/read`] });
    expect(ok.status).toBe(201);
  });

  it("refuses a control-plane operation in dataActions or notDataActions", async () => {
    expectRefused(await withPerms({ dataActions: [`${STORAGE}/write`] }), "InvalidDataActionOrNotDataAction");
    expectRefused(
      await withPerms({ dataActions: [`${STORAGE}/blobs/*`], notDataActions: [`${STORAGE}/read`] }),
      "InvalidDataActionOrNotDataAction",
    );
  });

  it("judges wildcards by what they cover, and accepts what the catalog does not know", async () => {
    // custom-roles "Wildcard permissions": `*` extends a permission to everything matching it.
    expectRefused(await withPerms({ actions: [`${STORAGE}/blobs/*`] }), "InvalidActionOrNotAction");
    expect((await withPerms({ actions: ["Microsoft.Storage/*"] })).status).toBe(201);
    expect((await withPerms({ actions: ["Microsoft.Insights/logs/read"] })).status).toBe(201);
  });

  it("refuses more than one wildcard in an operation string", async () => {
    // custom-roles "Custom role limits": you can have only one wildcard in an action string.
    expectRefused(
      await withPerms({ actions: ["Microsoft.Storage/*/containers/*"] }),
      "InvalidActionOrNotAction",
    );
  });
});

describe(`role definitions: names and scopes (${DOCS.customRoles}, ${DOCS.customRolesRest})`, () => {
  it("refuses a role name over 512 characters and a description over 2,048", async () => {
    // custom-roles, properties table: roleName at most 512 characters, description at most 2048.
    expect(AZURE_LIMITS.roleNameChars).toBe(512);
    expect((await put(sub(), { roleName: `n${randomUUID()}`.padEnd(512, "x") })).status).toBe(201);
    expectRefused(await put(sub(), { roleName: "x".repeat(513) }), "InvalidRoleDefinitionParameter");
    expectRefused(await put(sub(), { description: "d".repeat(2049) }), "InvalidRoleDefinitionParameter");
  });

  it("refuses assignableScopes that miss the request scope", async () => {
    // custom-roles-rest "Create a custom role": {scope} in the URI is one of the assignableScopes.
    const [a, b] = [sub(), sub()];
    const r = await put(a, { assignableScopes: [b] });
    expectRefused(r, "InvalidCreateRoleDefinitionRequest");
    expect((await put(a, { assignableScopes: [b, a] })).status).toBe(201);
    // A resource group below the request scope does not make the subscription assignable.
    expectRefused(
      await put(a, { assignableScopes: [`${a}/resourceGroups/rg`] }),
      "InvalidCreateRoleDefinitionRequest",
    );
  });

  it("refuses the root scope, wildcards and malformed assignable scopes", async () => {
    // custom-roles "Custom role limits": no root ("/") and no wildcards in AssignableScopes.
    const a = sub();
    for (const bad of ["/", `${a}/resourceGroups/*`, `${a}/resourceGroups/`, `${a}//resourceGroups/rg`]) {
      expectRefused(await put(a, { assignableScopes: [a, bad] }), "InvalidRoleDefinitionParameter");
    }
  });

  it("refuses data actions with a management group among the assignable scopes", async () => {
    // troubleshooting "Unable to add data actions to custom role"; custom-roles "Custom role limits".
    const a = sub();
    const mg = "/providers/Microsoft.Management/managementGroups/marketing-group";
    const r = await put(a, {
      assignableScopes: [a, mg],
      permissions: [{ dataActions: [`${STORAGE}/blobs/read`] }],
    });
    expectRefused(r, "InvalidRoleDefinitionParameter");
    expect(r.body.error.message).toMatch(/management group/);
    expect((await put(a, { assignableScopes: [a, mg] })).status).toBe(201);
  });
});
