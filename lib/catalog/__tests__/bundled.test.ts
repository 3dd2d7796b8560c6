import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { STARTER_TEMPLATES } from "@/db/seed/templates";
import { BUNDLED_CATALOG_FILE, readBundledCatalog } from "@/lib/catalog/bundled";
import type { Catalog } from "@/lib/catalog/catalog";
import { deriveCatalog, OUT_DIR } from "@/lib/catalog/data/build";
import { loadBaseCatalog, permissionIndex } from "@/lib/catalog/load";
import { CLOUDS, permissionsOn } from "@/lib/clouds/kinds";
import { datasetsDir, resetEnv } from "@/lib/env";
import { gcpDescribeAll, gcpRoleJson, readDataset } from "./datasets";

/** The repository's own copy, whatever ELEVATE_DATASETS_DIR says. */
const inRepo = (p: string) => gunzipSync(readFileSync(path.join(process.cwd(), OUT_DIR, p))).toString("utf8");

let catalog: Catalog;
beforeAll(async () => {
  catalog = await loadBaseCatalog();
});

describe("the repository alone holds what tests and the product need", () => {
  const saved = process.env.ELEVATE_DATASETS_DIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.ELEVATE_DATASETS_DIR;
    else process.env.ELEVATE_DATASETS_DIR = saved;
    resetEnv();
  });

  it("without ELEVATE_DATASETS_DIR, datasets are read from inside the repository", () => {
    delete process.env.ELEVATE_DATASETS_DIR;
    resetEnv();
    const rel = path.relative(process.cwd(), datasetsDir());
    expect(rel.startsWith("..") || path.isAbsolute(rel), `datasetsDir() is ${datasetsDir()}`).toBe(false);
    expect(JSON.parse(gcpDescribeAll())).toHaveLength(2461);
    expect(JSON.parse(readDataset("gcp/predefined_roles.json"))).toHaveLength(2390);
    expect(JSON.parse(readDataset("azure/built-in-roles-raw.json"))).toHaveLength(928);
    expect(JSON.parse(gcpRoleJson("run.viewer"))).toMatchObject({ title: "Cloud Run Viewer" });
  });

  it("ships the upstream licence, notice and a source note with the data", () => {
    const dir = path.join(process.cwd(), OUT_DIR);
    expect(readFileSync(path.join(dir, "LICENSE"), "utf8")).toMatch(/MIT License[\s\S]*Ian Mckay/);
    expect(existsSync(path.join(dir, "NOTICE"))).toBe(true);
    const source = readFileSync(path.join(dir, "SOURCE.md"), "utf8");
    const bundled = readBundledCatalog();
    expect(source).toContain(`github.com/${bundled.source.repository}, commit ${bundled.source.commit}`);
    expect(bundled.source.commit).toMatch(/^[0-9a-f]{40}$/);
  });

  it("the bundled catalog is what the importers make of the bundled exports", () => {
    const bundled = readBundledCatalog(path.join(process.cwd(), BUNDLED_CATALOG_FILE));
    const derived = deriveCatalog(
      inRepo("gcp/roles.json.gz"),
      inRepo("azure/built-in-roles-raw.json.gz"),
      bundled.source,
    );
    expect(derived).toEqual(bundled);
    expect(bundled.gcp).toMatchObject({ roles: 2461 });
    expect(bundled.gcp.permissions).toHaveLength(13790);
    expect(bundled.azure.roles).toBe(928);
    expect(bundled.azure.actions.length + bundled.azure.dataActions.length).toBe(3883);
  });
});

describe("the base catalog: every cloud in full, without an import", () => {
  it("holds all GCP and Azure permissions of the dataset besides AWS", () => {
    expect(catalog.ofCloud("aws").length).toBeGreaterThan(20_000);
    expect(catalog.ofCloud("gcp").length).toBeGreaterThanOrEqual(13_790);
    expect(catalog.ofCloud("azure").length).toBeGreaterThanOrEqual(3_883);
    expect(catalog.get("gcp", "run.services.get")).toMatchObject({ service: "run", accessLevel: "read" });
    expect(catalog.get("gcp", "iam.googleapis.com/workloadIdentityPools.create")?.service).toBe(
      "iam.googleapis.com",
    );
    expect(catalog.get("azure", "Microsoft.KeyVault/vaults/keys/decrypt/action")?.dataAction).toBe(true);
    expect(catalog.get("azure", "Microsoft.Compute/virtualMachines/delete")?.dataAction).toBeUndefined();
  });

  it("keeps the hand-written entries' spelling and descriptions where both know a permission", () => {
    // The dataset spells it Microsoft.Insights/Logs/Read; templates and built documents use this spelling.
    expect(catalog.get("azure", "microsoft.insights/logs/read")).toMatchObject({
      name: "Microsoft.Insights/logs/read",
      description: "Read logs",
    });
    expect(catalog.get("gcp", "compute.instances.osLogin")?.description).toMatch(/OS Login/);
    expect(catalog.get("azure", "Microsoft.Compute/virtualMachines/login/action")?.dataAction).toBe(true);
  });

  it("tags risk on bundled permissions as on hand-written ones", () => {
    expect(catalog.get("gcp", "iam.serviceAccounts.signBlob")).toMatchObject({
      risk: expect.arrayContaining(["privesc:credentials"]),
      riskLevel: "high",
    });
    expect(catalog.get("gcp", "bigquery.tables.getData")).toMatchObject({
      risk: ["data-access"],
      riskLevel: "medium",
    });
    expect(catalog.get("azure", "Microsoft.KeyVault/vaults/keys/read")).toMatchObject({
      risk: ["data-access"],
      riskLevel: "medium",
    });
    expect(catalog.get("gcp", "run.services.list")).toMatchObject({ risk: [], riskLevel: "low" });
  });

  it("every starter template permission is in it", () => {
    for (const t of STARTER_TEMPLATES)
      for (const cloud of CLOUDS)
        for (const p of permissionsOn(t.permissions, cloud))
          expect(catalog.has(cloud, p), `${t.key}: ${cloud} ${p}`).toBe(true);
  });

  it("search finds permissions the hand-written sets never had", () => {
    const index = permissionIndex(catalog);
    const names = (q: string, cloud: "gcp" | "azure") =>
      index.search(q, { cloud }, 25).map((h) => h.doc.name);
    expect(names("workloadIdentityPools", "gcp")).toContain(
      "iam.googleapis.com/workloadIdentityPools.create",
    );
    expect(names("bigquery tables getData", "gcp")).toContain("bigquery.tables.getData");
    expect(names("keyvault keys decrypt", "azure")).toContain(
      "Microsoft.KeyVault/vaults/keys/decrypt/action",
    );
  });
});
