import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import type { SeededOrg } from "@/db/seed/org";
import { type FakeAzure, startFakeAzure } from "@/lib/clouds/fakes/azure";
import { adapterFor } from "@/lib/clouds/registry";
import { bindingSpecFor } from "@/lib/grants/binding-spec";
import { getTargetInOrgOrThrow } from "@/lib/requests/queries";
import { connectTarget } from "@/lib/targets";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { clearEnvVars, envVar, grantRow, previewedRole, previewThenProvision, revoke } from "./wire-helpers";

// "Preview equals grant" on the wire (issue 14, point 1): the role definition ARM receives, and the scope
// it is assigned at, are the ones the approver saw.
const RESOURCE = "rg-data/ordersacct/reports";
const SIBLING = "rg-data/ordersacct/reports-archive";
const AUTH = "/providers/Microsoft.Authorization";

let h: DbHandle;
let azure: FakeAzure;
beforeAll(async () => {
  [h, azure] = await Promise.all([openTestDb(), startFakeAzure()]);
});
afterAll(async () => Promise.all([h?.close(), azure?.stop()]));
afterEach(() => clearEnvVars());

const REQUESTER_OBJECT_ID = "6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab";

/** An org with an Azure target on the real adapter, over TLS to the fake with its CA, token from the env. */
async function azureOrg(pim: boolean) {
  const org = await createTestOrg(h.db);
  const subscription = randomUUID();
  const target = await connectTarget({
    ctx: await userCtx(h.db, org.users.admin),
    input: {
      name: "azure-wire",
      cloud: "azure",
      adapter: "azure",
      externalId: subscription,
      settings: {
        endpoint: azure.url,
        ca: azure.ca,
        pim,
        credentials: { type: "env-token", var: envVar("eyFakeArmToken") },
        // The identity map: Azure binds people by Entra object id, not by sign-in e-mail.
        principals: { [org.users.requester.email]: REQUESTER_OBJECT_ID },
      },
    },
  });
  return { org, target, subscription };
}

type Permissions = {
  actions?: string[];
  notActions?: string[];
  dataActions?: string[];
  notDataActions?: string[];
};
type DefinitionBody = {
  properties?: {
    roleName?: string;
    description?: string;
    permissions?: Permissions[];
    assignableScopes?: string[];
  };
};

/** ARM paths as sent, with the SDK's doubled leading slash of a full-id scope folded. */
const puts = (from: number, kind: string) =>
  azure.calls
    .slice(from)
    .filter((c) => c.method === "PUT")
    .map((c) => ({ ...c, path: c.path.replace(/^\/+/, "/") }))
    .filter((c) => c.path.includes(`${AUTH}/${kind}/`));

/** The scope of an Authorization PUT: everything before `/providers/Microsoft.Authorization/<kind>/<name>`. */
const scopeOf = (path: string, kind: string) => path.slice(0, path.indexOf(`${AUTH}/${kind}/`));

async function grantOn(org: SeededOrg, targetId: string) {
  const from = azure.calls.length;
  const run = await previewThenProvision(h.db, org, {
    targetId,
    templateKey: "bucket.read",
    resource: RESOURCE,
  });
  return { ...run, from };
}

describe.each([
  { mode: "direct assignment", pim: false, kind: "roleAssignments" },
  { mode: "PIM schedule request", pim: true, kind: "roleAssignmentScheduleRequests" },
])("Azure ($mode): the request preview is what ARM receives", ({ pim, kind }) => {
  it("Read a bucket on rg-data/ordersacct/reports: the role definition PUT holds the previewed permissions", async () => {
    const { org, target, subscription } = await azureOrg(pim);
    const { preview, from } = await grantOn(org, target.id);
    const doc = preview.document as { roleName: string; permissions: Permissions[] };
    // Blob reads are data actions, the container read a control-plane action (ARM refuses them mixed up).
    expect(doc.permissions[0]).toMatchObject({
      actions: ["Microsoft.Storage/storageAccounts/blobServices/containers/read"],
      dataActions: ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"],
    });
    const defs = puts(from, "roleDefinitions");
    expect(defs.length).toBeGreaterThan(0);
    for (const d of defs) {
      expect(scopeOf(d.path, "roleDefinitions")).toBe(`/subscriptions/${subscription}`);
      const body = d.body as DefinitionBody;
      expect(body.properties?.roleName).toBe(preview.roleName);
      expect(body.properties?.permissions).toEqual(doc.permissions);
    }
  });

  it("Read a bucket on rg-data/ordersacct/reports: the role definition PUT carries the previewed description and assignable scope", async () => {
    const { org, target } = await azureOrg(pim);
    const { preview, from } = await grantOn(org, target.id);
    const doc = preview.document as { description: string; assignableScopes: string[] };
    const defs = puts(from, "roleDefinitions");
    expect(defs.length).toBeGreaterThan(0);
    for (const d of defs) {
      const body = d.body as DefinitionBody;
      expect(body.properties?.assignableScopes).toEqual(expect.arrayContaining(doc.assignableScopes));
      expect(body.properties?.description).toBe(doc.description);
    }
  });

  it("Read a bucket on rg-data/ordersacct/reports: assigned at exactly the previewed container scope; revoke removes it", async () => {
    const { org, target, subscription } = await azureOrg(pim);
    const { preview, grantId, outcome, from } = await grantOn(org, target.id);
    const scope = preview.binding.scope;
    expect(scope).toBe(
      `/subscriptions/${subscription}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/ordersacct/blobServices/default/containers/reports`,
    );
    // The grant must become active: the assignment is the whole point of the request.
    expect(outcome).toMatchObject({ status: "active", lastError: null });
    const assigned = puts(from, kind);
    expect(assigned.length).toBeGreaterThan(0);
    for (const a of assigned) expect(scopeOf(a.path, kind)).toBe(scope);

    expect((await revoke(h.db, org.org.id, grantId)).status).toBe("revoked");
    const held = pim
      ? [...azure.state.windows].filter((w) => w.scope === scope?.toLowerCase() && w.until === undefined)
      : [...azure.state.assignments.values()].filter((a) => a.scope.toLowerCase() === scope?.toLowerCase());
    expect(held).toEqual([]);
  });

  it("the stored grant, bound with an Entra object id as principal, is assigned at the previewed scope; a sibling's is not (negative control)", async () => {
    // The same stored role spec bound directly through the adapter, checked against a sibling's preview.
    const { org, target } = await azureOrg(pim);
    const { preview, grantId } = await grantOn(org, target.id);
    const row = await grantRow(h.db, org.org.id, grantId);
    const stored = await getTargetInOrgOrThrow(h.db, org.org.id, target.id);
    const adapter = adapterFor(h.db, stored);
    const from = azure.calls.length;
    await adapter.ensureRole(stored, row.roleSpec);
    const notAfter = new Date(Date.now() + 3_600_000);
    const bound = await adapter.bind(
      stored,
      bindingSpecFor(row, row.roleSpec.roleName, randomUUID(), notAfter),
    );
    const sent = puts(from, kind).map((a) => scopeOf(a.path, kind));
    expect(sent.length).toBeGreaterThan(0);
    for (const s of sent) expect(s).toBe(preview.binding.scope);
    expect((await adapter.inspect(stored, bound.bindingId)).present).toBe(true);

    const sibling = await previewedRole(h.db, org, {
      targetId: target.id,
      templateKey: "bucket.read",
      resource: SIBLING,
    });
    expect(sibling.binding.scope?.endsWith("/containers/reports-archive")).toBe(true);
    for (const s of sent) expect(s).not.toBe(sibling.binding.scope);

    await adapter.unbind(stored, bound.bindingId);
    expect((await adapter.inspect(stored, bound.bindingId)).present).toBe(false);
  });
});
