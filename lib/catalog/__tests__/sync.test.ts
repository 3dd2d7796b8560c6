import { randomUUID } from "node:crypto";
import { and, count, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { auditEvents, catalogPermissions, catalogVersions } from "@/db/schema";
import { type FakeAzure, startFakeAzure } from "@/lib/clouds/fakes/azure";
import { type FakeGcp, startFakeGcp } from "@/lib/clouds/fakes/gcp";
import { AppError } from "@/lib/errors";
import { connectTarget } from "@/lib/targets";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { listSyncTargets, syncCatalogFromTarget } from "../index";
import { azureCatalog, gcpCatalog } from "./sync-fixtures";

let h: DbHandle;
let gcp: FakeGcp;
let azure: FakeAzure;
const vars: string[] = [];
const GCP = gcpCatalog();
const AZURE = azureCatalog();

beforeAll(async () => {
  [h, gcp, azure] = await Promise.all([openTestDb(), startFakeGcp(), startFakeAzure()]);
  gcp.state.predefinedRoles = GCP.roles;
  gcp.state.testablePermissions = GCP.testable;
  gcp.state.catalogPageSize = 4; // a few pages of roles, dozens of testable permissions
  azure.state.builtInDefinitions = AZURE.builtIns;
  azure.state.providerOperations = AZURE.providers;
  azure.state.catalogPageSize = 10;
});
afterAll(async () => {
  await Promise.all([h?.close(), gcp?.stop(), azure?.stop()]);
});
afterEach(() => {
  for (const v of vars.splice(0)) delete process.env[v];
});

function envVar(value: string): string {
  const name = `ELEVATE_TEST_${randomUUID().replace(/-/g, "").slice(0, 12).toUpperCase()}`;
  vars.push(name);
  process.env[name] = value;
  return name;
}

async function admin() {
  const org = await createTestOrg(h.db);
  return { org, ctx: await userCtx(h.db, org.users.admin) };
}

async function withGcpTarget() {
  const { org, ctx } = await admin();
  const t = await connectTarget({
    ctx,
    input: {
      name: "gcp-fake",
      cloud: "gcp",
      adapter: "gcp",
      externalId: `acme-${randomUUID().slice(0, 8)}`,
      settings: { endpoint: gcp.url, credentials: { type: "env-json", var: envVar("ya29.fake-token") } },
    },
  });
  return { org, ctx, t };
}

async function withAzureTarget() {
  const { org, ctx } = await admin();
  const t = await connectTarget({
    ctx,
    input: {
      name: "azure-fake",
      cloud: "azure",
      adapter: "azure",
      externalId: randomUUID(),
      settings: {
        endpoint: azure.url,
        ca: azure.ca,
        credentials: { type: "env-token", var: envVar("eyFakeArmToken") },
      },
    },
  });
  return { org, ctx, t };
}

const versionCount = async (orgId: string) =>
  (await h.db.select({ n: count() }).from(catalogVersions).where(eq(catalogVersions.orgId, orgId)))[0].n;

async function permission(orgId: string, format: string, name: string) {
  const [row] = await h.db
    .select()
    .from(catalogPermissions)
    .where(
      and(
        eq(catalogPermissions.orgId, orgId),
        eq(catalogPermissions.format, format),
        eq(catalogPermissions.name, name),
      ),
    );
  return row;
}

async function failure(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe("syncCatalogFromTarget", () => {
  it("GCP: predefined roles and testable permissions (with support levels) land as versions, audited", async () => {
    const { org, ctx, t } = await withGcpTarget();
    const before = gcp.calls.length;
    const out = await syncCatalogFromTarget({ ctx, input: { targetId: t.id } });

    const permissions = GCP.testable.length;
    expect(out.versions.map((v) => [v.format, v.version, v.permissionCount, v.roleCount])).toEqual([
      ["gcloud-roles-list", 1, permissions, GCP.roles.length],
      ["gcp-testable-permissions", 1, permissions, 0],
    ]);
    expect(out).toMatchObject({ cloud: "gcp", added: 2 * permissions, removed: 0 });
    // Every page was read through the real client, and its request ids kept as evidence.
    const calls = gcp.calls.slice(before);
    expect(calls.filter((c) => c.path === "/v1/roles").length).toBe(Math.ceil(GCP.roles.length / 4));
    expect(calls.filter((c) => c.path.endsWith(":queryTestablePermissions")).length).toBe(
      Math.ceil(permissions / 4),
    );
    expect(out.requestIds).toEqual(calls.map((c) => c.requestId));

    const testing = GCP.testable.find((p) => p.customRolesSupportLevel === "TESTING");
    const unsupported = GCP.testable.find((p) => p.customRolesSupportLevel === "NOT_SUPPORTED");
    const plain = GCP.testable.find((p) => !p.customRolesSupportLevel);
    const fmt = "gcp-testable-permissions";
    expect((await permission(org.org.id, fmt, testing?.name ?? ""))?.customRoleSupport).toBe("TESTING");
    expect((await permission(org.org.id, fmt, unsupported?.name ?? ""))?.customRoleSupport).toBe(
      "NOT_SUPPORTED",
    );
    expect((await permission(org.org.id, fmt, plain?.name ?? ""))?.customRoleSupport).toBe("SUPPORTED");

    const audits = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, org.org.id), eq(auditEvents.subjectId, t.id)));
    expect(audits.find((a) => a.action === "catalog.synced")?.data).toMatchObject({
      versionIds: out.versions.map((v) => v.id),
      added: out.added,
    });
  });

  it("Azure over HTTPS: built-in roles and provider operations, every page, data actions flagged", async () => {
    const { org, ctx, t } = await withAzureTarget();
    const before = azure.calls.length;
    const out = await syncCatalogFromTarget({ ctx, input: { targetId: t.id } });
    const [roles, ops] = out.versions;
    expect(roles).toMatchObject({ format: "az-role-definition-list", version: 1, roleCount: 25 });
    const operations = AZURE.providers.flatMap((p) => p.resourceTypes.flatMap((r) => r.operations));
    expect(ops).toMatchObject({
      format: "az-provider-operation-list",
      permissionCount: operations.length,
      added: operations.length,
    });
    // Both lists span several pages (10 a page), followed through ARM's nextLink.
    const calls = azure.calls.slice(before);
    expect(calls.filter((c) => /providerOperations$/.test(c.path))).toHaveLength(
      Math.ceil(AZURE.providers.length / 10),
    );
    expect(calls.filter((c) => /roleDefinitions$/.test(c.path))).toHaveLength(3);
    expect(out.requestIds).toEqual(calls.map((c) => c.requestId));
    const data = operations.find((o) => o.isDataAction);
    expect(data).toBeDefined();
    const row = await permission(org.org.id, "az-provider-operation-list", data?.name ?? "");
    expect(row?.dataAction).toBe(true);
  });

  it("syncing twice: the second reports nothing added or removed", async () => {
    for (const setup of [withGcpTarget, withAzureTarget]) {
      const { ctx, t } = await setup();
      const first = await syncCatalogFromTarget({ ctx, input: { targetId: t.id } });
      expect(first.added).toBeGreaterThan(0);
      const second = await syncCatalogFromTarget({ ctx, input: { targetId: t.id } });
      expect(second).toMatchObject({ added: 0, removed: 0 });
      expect(second.versions.map((v) => v.version)).toEqual(first.versions.map(() => 2));
    }
  });

  it("a malformed cloud answer: a clear error naming the export, and nothing changes", async () => {
    const { org, ctx, t } = await withGcpTarget();
    await syncCatalogFromTarget({ ctx, input: { targetId: t.id } });
    const versions = await versionCount(org.org.id);
    const kept = await permission(org.org.id, "gcloud-roles-list", GCP.testable[0].name);

    // The roles read fine; the testable permissions come back in a shape the importer refuses.
    gcp.injectFault({
      match: "queryTestablePermissions",
      status: 200,
      body: { permissions: [{ name: "Not a permission" }] },
    });
    const bad = await failure(syncCatalogFromTarget({ ctx, input: { targetId: t.id } }));
    expect(bad.code).toBe("unavailable");
    expect(bad.message).toMatch(
      /^Google Cloud answered gcp-testable-permissions in a shape Elevate cannot read \(.*not a GCP permission name\); nothing was changed$/,
    );
    expect(await versionCount(org.org.id)).toBe(versions);
    expect(await permission(org.org.id, "gcloud-roles-list", GCP.testable[0].name)).toEqual(kept);

    // An answer without the list at all fails inside the adapter, just as clearly.
    gcp.injectFault({ match: "GET /v1/roles", status: 200, body: { roles: "none" } });
    const empty = await failure(syncCatalogFromTarget({ ctx, input: { targetId: t.id } }));
    expect(empty.message).toBe(
      "could not read the catalog of gcp-fake: gcp roles.list: the answer has no roles list",
    );
    expect(await versionCount(org.org.id)).toBe(versions);
  });

  it("a cloud failure: the cloud's own words, nothing changed", async () => {
    const { org, ctx, t } = await withAzureTarget();
    azure.injectFault({ match: "providerOperations", status: 403, times: 1 });
    const err = await failure(syncCatalogFromTarget({ ctx, input: { targetId: t.id } }));
    expect(err.code).toBe("unavailable");
    expect(err.message).toMatch(/^could not read the catalog of azure-fake: Azure accepted the credentials/);
    expect(await versionCount(org.org.id)).toBe(0);
  });

  it("refuses an actor without templates.edit", async () => {
    const { org, t } = await withGcpTarget();
    const requester = await userCtx(h.db, org.users.requester);
    const err = await failure(syncCatalogFromTarget({ ctx: requester, input: { targetId: t.id } }));
    expect(err.code).toBe("forbidden");
    await expect(listSyncTargets({ ctx: requester })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("another org's target answers 404, and is not listed", async () => {
    const { t } = await withGcpTarget();
    const other = await admin();
    const err = await failure(syncCatalogFromTarget({ ctx: other.ctx, input: { targetId: t.id } }));
    expect(err.code).toBe("not_found");
    expect((await listSyncTargets({ ctx: other.ctx })).map((x) => x.id)).not.toContain(t.id);
  });

  it("a sandbox target: no catalog sync for this adapter; only GCP/Azure targets are listed", async () => {
    const { org, ctx, t } = await withAzureTarget();
    const err = await failure(syncCatalogFromTarget({ ctx, input: { targetId: org.targets.gcp.id } }));
    expect(err).toMatchObject({ code: "validation", field: "targetId" });
    expect(err.message).toBe("targetId: no catalog sync for this adapter (sandbox)");
    expect(await listSyncTargets({ ctx })).toEqual([
      { id: t.id, name: "azure-fake", cloud: "azure", externalId: t.externalId },
    ]);
  });
});
