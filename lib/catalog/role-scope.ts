/** What a resource placeholder names; it picks AWS resource types and GCP/Azure constraints. */
export type ResourceKind =
  | "instance"
  | "bucket"
  | "database"
  | "cluster"
  | "secret"
  | "function"
  | "log-group";
export const RESOURCE_KINDS: readonly ResourceKind[] = [
  "instance",
  "bucket",
  "database",
  "cluster",
  "secret",
  "function",
  "log-group",
];

/** AWS resource type keys (iam-data) that a placeholder of each kind narrows. */
export const AWS_TYPES: Record<ResourceKind, readonly string[]> = {
  instance: ["instance"],
  bucket: ["bucket", "object"],
  database: ["db", "cluster"],
  cluster: ["cluster", "nodegroup"],
  secret: ["secret"],
  function: ["function"],
  "log-group": ["log-group", "log-stream"],
};

/** GCP resource types and how their full names end, for `resource.name` conditions. */
export const GCP_RESOURCE: Record<
  ResourceKind,
  { type: string; name: (project: string, r: string) => string; op: "startsWith" | "endsWith" }
> = {
  instance: { type: "compute.googleapis.com/Instance", name: (_p, r) => `/instances/${r}`, op: "endsWith" },
  bucket: {
    type: "storage.googleapis.com/Bucket",
    name: (_p, r) => `projects/_/buckets/${r}`,
    op: "startsWith",
  },
  database: {
    type: "sqladmin.googleapis.com/Instance",
    name: (p, r) => `projects/${p}/instances/${r}`,
    op: "startsWith",
  },
  cluster: { type: "container.googleapis.com/Cluster", name: (_p, r) => `/clusters/${r}`, op: "endsWith" },
  secret: {
    type: "secretmanager.googleapis.com/Secret",
    name: (p, r) => `projects/${p}/secrets/${r}`,
    op: "startsWith",
  },
  function: {
    type: "cloudfunctions.googleapis.com/CloudFunction",
    name: (_p, r) => `/functions/${r}`,
    op: "endsWith",
  },
  "log-group": { type: "logging.googleapis.com/LogBucket", name: (_p, r) => `/buckets/${r}`, op: "endsWith" },
};

/** Template placeholders are resource kinds by name (`{instance}`, `{bucket}`, …). */
export function kindOfPlaceholder(placeholder: string | undefined): ResourceKind | undefined {
  return RESOURCE_KINDS.find((k) => k === placeholder);
}
