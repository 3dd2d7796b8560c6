import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { auditEvents, catalogPermissions, catalogVersions } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { expandCatalogPermissions, importCatalog, listCatalogVersions, searchCatalog } from "../index";
import { readDataset as dataset, gcpDescribeAll, gcpRoleJson } from "./datasets";

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(async () => h?.close());

const countRows = async (orgId: string) =>
  (await h.db.select({ n: count() }).from(catalogPermissions).where(eq(catalogPermissions.orgId, orgId)))[0]
    .n;

describe("importCatalog", () => {
  it("imports the real GCP and Azure exports, records versions with added/removed counts, and audits", async () => {
    const org = await createTestOrg(h.db);
    const ctx = await userCtx(h.db, org.users.admin);
    const gcp = await importCatalog({
      ctx,
      input: { cloud: "gcp", format: "gcloud-roles-describe", content: gcpDescribeAll() },
    });
    expect(gcp).toMatchObject({
      version: 1,
      permissionCount: 13790,
      roleCount: 2461,
      added: 13790,
      removed: 0,
    });
    const az = await importCatalog({
      ctx,
      input: {
        cloud: "azure",
        format: "az-role-definition-list",
        content: dataset("azure/built-in-roles-raw.json"),
      },
    });
    expect(az.roleCount).toBe(928);
    expect(az.added).toBe(az.permissionCount);

    // A smaller re-import of the same format shows what was removed.
    const one = await importCatalog({
      ctx,
      input: { cloud: "gcp", format: "gcloud-roles-describe", content: gcpRoleJson("run.viewer") },
    });
    expect(one.version).toBe(2);
    expect(one.added).toBe(0);
    expect(one.removed).toBe(13790 - one.permissionCount);
    expect(one.changes.removed.length).toBeGreaterThan(0);

    const versions = await listCatalogVersions({ ctx });
    expect(versions.map((v) => v.format).sort()).toEqual([
      "az-role-definition-list",
      "gcloud-roles-describe",
      "gcloud-roles-describe",
    ]);
    const audits = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, org.org.id), eq(auditEvents.action, "catalog.imported")));
    expect(audits).toHaveLength(3);

    // Imported permissions join the org's catalog (this one is also in the bundled base catalog).
    const out = await expandCatalogPermissions({
      ctx,
      input: { cloud: "gcp", permissions: ["run.services.get"] },
    });
    expect(out.permissions[0]).toMatchObject({ name: "run.services.get", accessLevel: "read" });
  }, 120_000);

  it("a malformed file gives a clear error and changes nothing", async () => {
    const org = await createTestOrg(h.db);
    const ctx = await userCtx(h.db, org.users.admin);
    await importCatalog({
      ctx,
      input: { cloud: "gcp", format: "gcloud-roles-describe", content: gcpRoleJson("run.viewer") },
    });
    const before = await countRows(org.org.id);
    const bad = importCatalog({
      ctx,
      input: {
        cloud: "gcp",
        format: "gcloud-roles-describe",
        content: '[{"name":"roles/x","includedPermissions":[42]}]',
      },
    });
    await expect(bad).rejects.toThrow(/content\[0\]\.includedPermissions\[0\]/);
    await expect(
      importCatalog({ ctx, input: { cloud: "azure", format: "az-role-definition-list", content: "{oops" } }),
    ).rejects.toThrow(/not valid JSON/);
    expect(await countRows(org.org.id)).toBe(before);
    expect(
      await h.db.select().from(catalogVersions).where(eq(catalogVersions.orgId, org.org.id)),
    ).toHaveLength(1);
  });

  it("requires templates.edit, and imports stay inside the org", async () => {
    const org = await createTestOrg(h.db);
    const other = await createTestOrg(h.db);
    const requester = await userCtx(h.db, org.users.requester);
    const err = await importCatalog({
      ctx: requester,
      input: { cloud: "gcp", format: "gcloud-roles-describe", content: gcpRoleJson("run.viewer") },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe("forbidden");
    await importCatalog({
      ctx: await userCtx(h.db, org.users.admin),
      input: { cloud: "gcp", format: "gcloud-roles-describe", content: gcpRoleJson("run.viewer") },
    });
    expect(await countRows(other.org.id)).toBe(0);
    expect(await listCatalogVersions({ ctx: await userCtx(h.db, other.users.admin) })).toEqual([]);
  });
});

describe("searchCatalog", () => {
  const expectations = [
    {
      q: "ssh",
      template: "vm.ssh",
      perms: {
        aws: "ssm:StartSession",
        gcp: "compute.instances.osLogin",
        azure: "Microsoft.Compute/virtualMachines/login/action",
      },
    },
    {
      q: "restart vm",
      template: "vm.restart",
      perms: {
        aws: "ec2:RebootInstances",
        gcp: "compute.instances.reset",
        azure: "Microsoft.Compute/virtualMachines/restart/action",
      },
    },
    {
      q: "read bucket",
      template: "bucket.read",
      perms: {
        aws: "s3:GetObject",
        gcp: "storage.objects.get",
        azure: "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
      },
    },
  ] as const;

  for (const e of expectations) {
    it(`"${e.q}" finds the ${e.template} template and the right permission on each cloud`, async () => {
      const org = await createTestOrg(h.db);
      const ctx = await userCtx(h.db, org.users.requester);
      const all = await searchCatalog({ ctx, input: { query: e.q } });
      expect(all.results[0]).toMatchObject({ kind: "template", name: e.template });
      for (const cloud of ["aws", "gcp", "azure"] as const) {
        const r = await searchCatalog({ ctx, input: { query: e.q, cloud, kind: "permission", limit: 10 } });
        expect(
          r.results.map((x) => x.name),
          `${e.q} on ${cloud}`,
        ).toContain(e.perms[cloud]);
      }
    });
  }

  it("tolerates typos and applies filters", async () => {
    const org = await createTestOrg(h.db);
    const ctx = await userCtx(h.db, org.users.requester);
    const typo = await searchCatalog({ ctx, input: { query: "reboot instanse", cloud: "aws", limit: 10 } });
    expect(typo.results.map((r) => r.name)).toContain("ec2:RebootInstances");
    const high = await searchCatalog({
      ctx,
      input: { query: "pass role", cloud: "aws", risk: "privesc:pass-role" },
    });
    expect(high.results.map((r) => r.name)).toEqual(["iam:PassRole"]);
    const reads = await searchCatalog({
      ctx,
      input: { query: "bucket", cloud: "aws", service: "s3", accessLevel: "read" },
    });
    expect(reads.results.length).toBeGreaterThan(0);
    expect(reads.results.every((r) => r.service === "s3" && r.accessLevel === "read")).toBe(true);
    await expect(searchCatalog({ ctx, input: { query: "  " } })).rejects.toThrow(/query/);
  });
});
