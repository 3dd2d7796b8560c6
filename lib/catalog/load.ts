import { desc, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { preparedPerDb } from "@/db/prepared";
import { catalogPermissions, catalogVersions } from "@/db/schema";
import { loadAwsData } from "./aws";
import { builtinAzureEntries } from "./builtin-azure";
import { builtinGcpEntries } from "./builtin-gcp";
import { builtinKubernetesEntries } from "./builtin-kubernetes";
import { builtinOktaEntries } from "./builtin-okta";
import { bundledEntries } from "./bundled";
import { buildCatalog, type Catalog } from "./catalog";
import { type SearchDoc, SearchIndex } from "./search-index";
import type { AccessLevel, CustomRoleSupport, RawEntry } from "./types";

let base: Promise<Catalog> | undefined;

/**
 * What every org has without imports: AWS (iam-data), and GCP and Azure in full (the bundled iam-dataset
 * catalog, lib/catalog/data) under the hand-written starter sets' descriptions.
 */
export function loadBaseCatalog(): Promise<Catalog> {
  base ??= catalogWith([]).catch((e: unknown) => {
    base = undefined;
    throw e;
  });
  return base;
}

/** The base catalog merged with imported entries (imports win where they know more). */
export async function catalogWith(imported: RawEntry[][]): Promise<Catalog> {
  const aws = await loadAwsData();
  const bundled = bundledEntries();
  // The hand-written sets come before the bundled ones, so their spelling and descriptions win; the bundled
  // catalog adds every other permission (and a data-action flag where a built-in role names one).
  return buildCatalog(
    [
      aws.entries,
      builtinGcpEntries(),
      builtinAzureEntries(),
      builtinKubernetesEntries(),
      builtinOktaEntries(),
      bundled.gcp,
      bundled.azure,
      ...imported,
    ],
    aws.resources,
  );
}

/** Asked on every page that shows risk: prepared once per database handle. */
const latestVersionQuery = preparedPerDb((db) =>
  db
    .select({ id: catalogVersions.id })
    .from(catalogVersions)
    .where(eq(catalogVersions.orgId, sql.placeholder("orgId")))
    .orderBy(desc(catalogVersions.createdAt), desc(catalogVersions.version))
    .limit(1)
    .prepare("catalog_latest_version"),
);

const byOrg = new Map<string, { version: string; catalog: Promise<Catalog> }>();
const MAX_CACHED_ORGS = 16;

/** An org's catalog, rebuilt only when its latest catalog version changes. */
export async function loadOrgCatalog(db: Db, orgId: string): Promise<Catalog> {
  const [latest] = await latestVersionQuery(db).execute({ orgId });
  if (!latest) return loadBaseCatalog();
  const cached = byOrg.get(orgId);
  if (cached?.version === latest.id) return cached.catalog;
  const catalog = readImported(db, orgId).then((rows) => catalogWith([rows]));
  if (byOrg.size >= MAX_CACHED_ORGS) byOrg.delete(byOrg.keys().next().value as string);
  byOrg.set(orgId, { version: latest.id, catalog });
  catalog.catch(() => byOrg.delete(orgId));
  return catalog;
}

async function readImported(db: Db, orgId: string): Promise<RawEntry[]> {
  const rows = await db.select().from(catalogPermissions).where(eq(catalogPermissions.orgId, orgId));
  return rows.map((r) => ({
    cloud: r.cloud,
    service: r.service,
    name: r.name,
    description: r.description,
    accessLevel: r.accessLevel as AccessLevel,
    resourceTypes: [],
    conditionKeys: [],
    ...(r.customRoleSupport ? { customRoleSupport: r.customRoleSupport as CustomRoleSupport } : {}),
    ...(r.dataAction ? { dataAction: true } : {}),
  }));
}

const indexes = new WeakMap<Catalog, SearchIndex>();

/** The search index of a catalog's permissions, built once per catalog. */
export function permissionIndex(catalog: Catalog): SearchIndex {
  let idx = indexes.get(catalog);
  if (!idx) {
    const docs: SearchDoc[] = catalog.entries.map((e) => ({
      kind: "permission",
      cloud: e.cloud,
      service: e.service,
      name: e.name,
      title: e.name,
      description: e.description,
      accessLevel: e.accessLevel,
      risk: e.risk,
      riskLevel: e.riskLevel,
    }));
    idx = new SearchIndex(docs);
    indexes.set(catalog, idx);
  }
  return idx;
}
