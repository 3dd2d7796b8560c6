import { readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { azureAccessLevel, gcpAccessLevel, serviceOf } from "./access-level";
import type { RawEntry } from "./types";

/**
 * The GCP and Azure catalogs shipped with Elevate, generated from the MIT iam-dataset by
 * lib/catalog/data/build.ts (licence, source and counts in lib/catalog/data/iam-dataset/SOURCE.md).
 * Read from the repository root at run time, as db/migrations are.
 */
export const BUNDLED_CATALOG_FILE = path.join("lib", "catalog", "data", "iam-dataset", "catalog.json.gz");

/** The file's shape: permission names only; service and access level are derived as for imports. */
export type BundledCatalog = {
  format: 1;
  source: { repository: string; commit: string };
  /** Every permission of GCP's predefined roles (`gcloud iam roles describe`). */
  gcp: { roles: number; permissions: string[] };
  /** Every concrete operation of Azure's built-in role definitions, by the list that names it first. */
  azure: { roles: number; actions: string[]; dataActions: string[] };
};

export type BundledEntries = { gcp: RawEntry[]; azure: RawEntry[] };

let cached: BundledCatalog | undefined;

/**
 * The bundled GCP and Azure permissions as catalog entries. The file is read once per process; the entries
 * are made afresh for each catalog build (cheap), so only the names stay in memory between builds.
 */
export function bundledEntries(): BundledEntries {
  cached ??= readBundledCatalog();
  return toEntries(cached);
}

export function readBundledCatalog(file = path.join(process.cwd(), BUNDLED_CATALOG_FILE)): BundledCatalog {
  const data = JSON.parse(gunzipSync(readFileSync(file)).toString("utf8")) as BundledCatalog;
  if (data.format !== 1) throw new Error(`${file}: unknown bundled catalog format ${String(data.format)}`);
  return data;
}

export function toEntries(data: BundledCatalog): BundledEntries {
  const gcp = data.gcp.permissions.map(
    (name): RawEntry => ({
      cloud: "gcp",
      service: serviceOf("gcp", name),
      name,
      description: "",
      accessLevel: gcpAccessLevel(name),
      resourceTypes: [],
      conditionKeys: [],
    }),
  );
  const azure = (dataAction: boolean) => (name: string) => ({
    cloud: "azure" as const,
    service: serviceOf("azure", name),
    name,
    description: "",
    accessLevel: azureAccessLevel(name),
    resourceTypes: [],
    conditionKeys: [],
    ...(dataAction ? { dataAction: true } : {}),
  });
  return {
    gcp,
    azure: [...data.azure.actions.map(azure(false)), ...data.azure.dataActions.map(azure(true))],
  };
}
