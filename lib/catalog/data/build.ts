// Regenerates lib/catalog/data/iam-dataset/ from a snapshot of iann0036/iam-dataset (MIT):
//   ELEVATE_DATASETS_DIR=<folder holding iam-dataset/> npx tsx lib/catalog/data/build.ts
// The snapshot is read in the upstream layout (iam-dataset/gcp/roles/*.json, gcp/predefined_roles.json,
// azure/built-in-roles-raw.json, LICENSE, NOTICE, SOURCE.md). Output is deterministic: same input, same bytes.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { env } from "@/lib/env";
import type { BundledCatalog } from "../bundled";
import { parseImport } from "../importers";

/** Where the generated files go, relative to the repository root. */
export const OUT_DIR = path.join("lib", "catalog", "data", "iam-dataset");

type Json = Record<string, unknown>;

/** Only the fields `gcloud iam roles describe` documents and the importer reads (no etag, no annotations). */
const GCP_ROLE_FIELDS = ["description", "includedPermissions", "name", "stage", "title"];
const GCP_LIST_FIELDS = ["description", "name", "stage", "title"];
const AZURE_ROLE_FIELDS = ["description", "name", "permissions", "roleName"];
const AZURE_PERMISSION_FIELDS = [
  "actions",
  "condition",
  "conditionVersion",
  "dataActions",
  "notActions",
  "notDataActions",
];

function pick(o: Json, fields: string[]): Json {
  const out: Json = {};
  for (const f of fields) if (o[f] !== undefined && o[f] !== null) out[f] = o[f];
  return out;
}

const byName = (a: Json, b: Json) =>
  String(a.name) < String(b.name) ? -1 : String(a.name) > String(b.name) ? 1 : 0;

export function trimGcpRoles(roles: Json[]): Json[] {
  return roles.map((r) => pick(r, GCP_ROLE_FIELDS)).sort(byName);
}

export function trimGcpRoleList(roles: Json[]): Json[] {
  return roles.map((r) => pick(r, GCP_LIST_FIELDS)).sort(byName);
}

export function trimAzureRoles(roles: Json[]): Json[] {
  return roles.map((r) => {
    const out = pick(r, AZURE_ROLE_FIELDS);
    out.permissions = (r.permissions as Json[]).map((p) => pick(p, AZURE_PERMISSION_FIELDS));
    return out;
  });
}

/**
 * The product's catalog, made by the same importers an admin's upload goes through, so the bundled catalog
 * is exactly what importing these exports would give (a test checks it against the bundled exports).
 */
export function deriveCatalog(
  gcpRolesJson: string,
  azureRolesJson: string,
  source: BundledCatalog["source"],
): BundledCatalog {
  const gcp = parseImport("gcp", "gcloud-roles-describe", gcpRolesJson);
  const azure = parseImport("azure", "az-role-definition-list", azureRolesJson);
  return {
    format: 1,
    source,
    gcp: { roles: gcp.roles.length, permissions: gcp.entries.map((e) => e.name).sort() },
    azure: {
      roles: azure.roles.length,
      actions: azure.entries
        .filter((e) => !e.dataAction)
        .map((e) => e.name)
        .sort(),
      dataActions: azure.entries
        .filter((e) => e.dataAction)
        .map((e) => e.name)
        .sort(),
    },
  };
}

const gz = (text: string) => gzipSync(Buffer.from(text, "utf8"), { level: 9 });
const kb = (bytes: number) => `${Math.round(bytes / 1024)} KB`;

function sourceOf(snapshot: string): BundledCatalog["source"] {
  const md = existsSync(path.join(snapshot, "SOURCE.md"))
    ? readFileSync(path.join(snapshot, "SOURCE.md"), "utf8")
    : "";
  return {
    repository: /Repository:\s*(\S+)/.exec(md)?.[1] ?? "iann0036/iam-dataset",
    commit: /Commit:\s*([0-9a-f]{7,40})/.exec(md)?.[1] ?? "unknown",
  };
}

export function build(datasetsDir: string, root = process.cwd()): Record<string, string> {
  const snapshot = path.join(datasetsDir, "iam-dataset");
  const read = (p: string) => readFileSync(path.join(snapshot, p), "utf8");
  const roleFiles = readdirSync(path.join(snapshot, "gcp", "roles"))
    .filter((f) => f.endsWith(".json"))
    .sort();
  const gcpRoles = trimGcpRoles(roleFiles.map((f) => JSON.parse(read(path.join("gcp", "roles", f))) as Json));
  const gcpList = trimGcpRoleList(JSON.parse(read("gcp/predefined_roles.json")) as Json[]);
  const azureRoles = trimAzureRoles(JSON.parse(read("azure/built-in-roles-raw.json")) as Json[]);
  const gcpRolesJson = JSON.stringify(gcpRoles);
  const azureRolesJson = JSON.stringify(azureRoles);
  const source = sourceOf(snapshot);
  const catalog = deriveCatalog(gcpRolesJson, azureRolesJson, source);

  const out = path.join(root, OUT_DIR);
  mkdirSync(path.join(out, "gcp"), { recursive: true });
  mkdirSync(path.join(out, "azure"), { recursive: true });
  const files: Record<string, Buffer> = {
    "catalog.json.gz": gz(JSON.stringify(catalog)),
    "gcp/roles.json.gz": gz(gcpRolesJson),
    "gcp/predefined_roles.json.gz": gz(JSON.stringify(gcpList)),
    "azure/built-in-roles-raw.json.gz": gz(azureRolesJson),
  };
  for (const [name, bytes] of Object.entries(files)) writeFileSync(path.join(out, name), bytes);
  // Copied by content, not with copyFileSync: the snapshot may be read-only and its mode would follow.
  for (const f of ["LICENSE", "NOTICE"])
    writeFileSync(path.join(out, f), readFileSync(path.join(snapshot, f)));
  writeFileSync(
    path.join(out, "SOURCE.md"),
    sourceMd(source, {
      gcpRoles: gcpRoles.length,
      gcpList: gcpList.length,
      gcpPermissions: catalog.gcp.permissions.length,
      azureRoles: azureRoles.length,
      azureActions: catalog.azure.actions.length,
      azureDataActions: catalog.azure.dataActions.length,
    }),
  );
  const sizes: Record<string, string> = {};
  for (const f of [...Object.keys(files), "LICENSE", "NOTICE", "SOURCE.md"])
    sizes[f] = kb(statSync(path.join(out, f)).size);
  return sizes;
}

function sourceMd(
  source: BundledCatalog["source"],
  n: Record<
    "gcpRoles" | "gcpList" | "gcpPermissions" | "azureRoles" | "azureActions" | "azureDataActions",
    number
  >,
): string {
  const f = (x: number) => x.toLocaleString("en-US");
  return `# iam-dataset: GCP and Azure roles and permissions (bundled, trimmed)

- Upstream: https://github.com/${source.repository}, commit ${source.commit}
- Licence: MIT, Copyright (c) 2021 Ian Mckay: [LICENSE](LICENSE), with the upstream [NOTICE](NOTICE)
  (third-party notices of the upstream project), both copied unchanged.
- Generated by \`lib/catalog/data/build.ts\` (Elevate's code, Apache-2.0) from a snapshot of the upstream
  files; regenerate with \`ELEVATE_DATASETS_DIR=<dir holding iam-dataset/> npx tsx lib/catalog/data/build.ts\`.
  Output is deterministic. Do not edit these files by hand.

| File | What | Used by |
| --- | --- | --- |
| \`catalog.json.gz\` | ${f(n.gcpPermissions)} GCP permissions (every permission of the predefined roles); ${f(n.azureActions)} Azure actions and ${f(n.azureDataActions)} data actions (every concrete operation of the built-in role definitions, wildcards left out, each in the list that names it first). Names only. | the product's base catalog (\`lib/catalog/bundled.ts\`) |
| \`gcp/roles.json.gz\` | upstream \`gcp/roles/*.json\` (\`gcloud iam roles describe\`, ${f(n.gcpRoles)} roles) as one array, without \`etag\` | importer tests, GCP fake's catalog |
| \`gcp/predefined_roles.json.gz\` | upstream \`gcp/predefined_roles.json\` (\`gcloud iam roles list\`, ${f(n.gcpList)} roles) without \`etag\` and the upstream \`has_*\` annotations | importer tests |
| \`azure/built-in-roles-raw.json.gz\` | upstream \`azure/built-in-roles-raw.json\` (\`az role definition list\`, ${f(n.azureRoles)} built-in roles) without \`assignableScopes\`, \`roleType\`, \`type\` and null conditions | importer tests, Azure fake's catalog |

\`catalog.json.gz\` is what the importers (\`lib/catalog/importers\`) make of the two role exports beside it;
\`lib/catalog/__tests__/bundled.test.ts\` checks that it still is. The upstream snapshot has no GCP permission
titles or custom-role support levels (its \`gcp/permissions.json\` was not fetched) and no Azure provider
operation list, so bundled permissions have no description; an org import of
\`gcp-testable-permissions\` or \`az-provider-operation-list\` adds them.
`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const dir = env().ELEVATE_DATASETS_DIR;
  if (!dir || !existsSync(path.join(dir, "iam-dataset", "gcp", "roles"))) {
    process.stderr.write(
      "Set ELEVATE_DATASETS_DIR to a directory holding an upstream iam-dataset snapshot (iam-dataset/gcp/roles/*.json …)\n",
    );
    process.exit(2);
  }
  console.log(JSON.stringify(build(path.resolve(dir)), null, 2));
}
