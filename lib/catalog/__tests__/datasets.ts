import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { datasetsDir } from "@/lib/env";

/**
 * The iam-dataset (MIT): by default the trimmed, gzipped copy in lib/catalog/data/iam-dataset (licence and
 * source beside it); with ELEVATE_DATASETS_DIR, an upstream snapshot in its own layout (gcp/roles/*.json).
 */
const dir = () => path.join(datasetsDir(), "iam-dataset");

/** A file of the iam-dataset by its upstream path (`azure/built-in-roles-raw.json`), plain or gzipped. */
export function readDataset(p: string): string {
  const file = path.join(dir(), p);
  if (existsSync(file)) return readFileSync(file, "utf8");
  return gunzipSync(readFileSync(`${file}.gz`)).toString("utf8");
}

/** Upstream keeps one file per role; the repository's copy bundles them into gcp/roles.json.gz. */
const split = () => existsSync(path.join(dir(), "gcp/roles"));

/** All `gcloud iam roles describe` outputs of the dataset, as one JSON array. */
export function gcpDescribeAll(): string {
  if (!split()) return readDataset("gcp/roles.json");
  const files = readdirSync(path.join(dir(), "gcp/roles")).filter((f) => f.endsWith(".json"));
  return `[${files.map((f) => readDataset(`gcp/roles/${f}`)).join(",")}]`;
}

let bundled: Map<string, unknown> | undefined;

/** One role's `gcloud iam roles describe` output (`run.viewer` for roles/run.viewer). */
export function gcpRoleJson(id: string): string {
  if (split()) return readDataset(`gcp/roles/${id}.json`);
  bundled ??= new Map(
    (JSON.parse(readDataset("gcp/roles.json")) as { name: string }[]).map((r) => [r.name, r]),
  );
  const role = bundled.get(`roles/${id}`);
  if (!role) throw new Error(`roles/${id} is not in the iam-dataset`);
  return JSON.stringify(role);
}
