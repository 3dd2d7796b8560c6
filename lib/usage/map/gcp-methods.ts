import { readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import type { GcpMethodMap } from "../data/build";

/** Read from the repository root at run time, as the bundled catalog is (licence in its SOURCE.md). */
const FILE = path.join("lib", "usage", "data", "iam-dataset", "gcp-method-map.json.gz");

let loaded: GcpMethodMap | undefined;
function methodMap(): GcpMethodMap {
  loaded ??= JSON.parse(gunzipSync(readFileSync(path.resolve(process.cwd(), FILE))).toString("utf8"));
  return loaded as GcpMethodMap;
}

/**
 * BigQuery's legacy `AuditData` entries name methods of the v1 API (`jobservice.insert`) and carry no
 * authorizationInfo. Permissions from "BigQuery audit logs: AuditData" and "BigQuery IAM permissions"
 * (cloud.google.com/bigquery/docs/reference/auditlogs, cloud.google.com/bigquery/docs/access-control).
 */
export const LEGACY_METHODS: Record<string, string> = {
  "jobservice.insert": "bigquery.jobs.create",
  "jobservice.query": "bigquery.jobs.create",
  "jobservice.jobcompleted": "bigquery.jobs.create",
  "jobservice.getqueryresults": "bigquery.jobs.get",
  "jobservice.cancel": "bigquery.jobs.update",
  "datasetservice.insert": "bigquery.datasets.create",
  "datasetservice.get": "bigquery.datasets.get",
  "datasetservice.list": "bigquery.datasets.get",
  "datasetservice.patch": "bigquery.datasets.update",
  "datasetservice.update": "bigquery.datasets.update",
  "datasetservice.delete": "bigquery.datasets.delete",
  "tableservice.insert": "bigquery.tables.create",
  "tableservice.get": "bigquery.tables.get",
  "tableservice.list": "bigquery.tables.list",
  "tableservice.patch": "bigquery.tables.update",
  "tableservice.update": "bigquery.tables.update",
  "tableservice.delete": "bigquery.tables.delete",
  "tabledataservice.list": "bigquery.tables.getData",
  "tabledataservice.insertall": "bigquery.tables.updateData",
};

const VERSION_PREFIX = /^(v\d+|beta|alpha)\./;
const GRPC = /^google\.([a-z0-9.]+?)\.v\d+[a-z0-9]*\.[A-Za-z0-9]+\.([A-Z][A-Za-z0-9]*)$/;
const VERBS: Record<string, string[]> = { Update: ["update", "patch"], Insert: ["insert", "create"] };

const lcFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const plural = (s: string) => (/s$/.test(s) ? s : /[^aeiou]y$/.test(s) ? `${s.slice(0, -1)}ies` : `${s}s`);

/** The permission an audit `methodName` is named after, from the shipped map; null when it does not say. */
export function permissionOfMethod(methodName: string, serviceName: string | null): string | null {
  const legacy = LEGACY_METHODS[methodName.toLowerCase()];
  if (legacy) return legacy;
  const map = methodMap();
  const rest = methodName.replace(VERSION_PREFIX, "");
  if (Object.hasOwn(map.methods, rest)) return map.methods[rest];
  const m = GRPC.exec(methodName);
  if (!m) return null;
  const api = m[1].split(".").find((s) => s !== "cloud") ?? "";
  const services = [api, serviceName?.split(".")[0] ?? ""].filter(Boolean);
  const words = m[2].split(/(?=[A-Z])/);
  const [verb, ...noun] = words;
  if (noun.length === 0) return null;
  const verbs = VERBS[verb] ?? [lcFirst(verb)];
  const nouns = [lcFirst(noun.join("")), lcFirst(noun.at(-1) ?? "")].map(plural);
  for (const s of services)
    for (const n of nouns)
      for (const v of verbs) {
        const key = `${s}|${n}.${v}`;
        if (Object.hasOwn(map.short, key)) return map.short[key];
      }
  return null;
}
