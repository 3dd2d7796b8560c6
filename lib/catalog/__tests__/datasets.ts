import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { datasetsDir } from "@/lib/env";

const dir = () => path.join(datasetsDir(), "iam-dataset");

/** A file of the shared iam-dataset (read in place, never copied into the repo). */
export function readDataset(p: string): string {
  return readFileSync(path.join(dir(), p), "utf8");
}

/** All `gcloud iam roles describe` outputs of the dataset, as one JSON array. */
export function gcpDescribeAll(): string {
  const files = readdirSync(path.join(dir(), "gcp/roles")).filter((f) => f.endsWith(".json"));
  return `[${files.map((f) => readDataset(`gcp/roles/${f}`)).join(",")}]`;
}
