import type { Cloud } from "@/db/schema";
import { Validation } from "@/lib/errors";

/** What a resource placeholder names; it picks AWS resource types, GCP resource types and Azure scopes. */
export type ResourceKind =
  | "instance"
  | "bucket"
  | "database"
  | "cluster"
  | "secret"
  | "function"
  | "log-group"
  | "namespace"
  | "group"
  | "app";
export const RESOURCE_KINDS: readonly ResourceKind[] = [
  "instance",
  "bucket",
  "database",
  "cluster",
  "secret",
  "function",
  "log-group",
  "namespace",
  "group",
  "app",
];

/** Template placeholders are resource kinds by name (`{instance}`, `{bucket}`, …). */
export function kindOfPlaceholder(placeholder: string | null | undefined): ResourceKind | null {
  return RESOURCE_KINDS.find((k) => k === placeholder) ?? null;
}

/** A resource as the cloud names it, parsed from what the requester typed. */
export type ParsedResource =
  | { cloud: "aws"; kind: ResourceKind; name: string }
  | { cloud: "gcp"; kind: ResourceKind; name: string; location: string | null }
  | { cloud: "azure"; kind: ResourceKind; resourceGroup: string; names: string[]; scope: string }
  /** A namespace, or one object in it (`namespace/name`): the Role's namespace and its resourceNames. */
  | { cloud: "kubernetes"; kind: "namespace"; namespace: string; name: string | null }
  /** An Okta group (its users, or the group itself, by the permissions' family) or app, by id. */
  | { cloud: "okta"; kind: "group" | "app"; id: string };

/** How one kind is written on one cloud: what the form shows, an example, and the page the rule is from. */
export type ResourceFormat = {
  label: string;
  example: string;
  doc: string;
  check: (raw: string) => string | null;
};

const ok = (re: RegExp, why: string) => (s: string) => (re.test(s) ? null : why);
const all =
  (...checks: ((s: string) => string | null)[]) =>
  (s: string) =>
    checks.reduce<string | null>((err, c) => err ?? c(s), null);

/** S3 general purpose bucket names: 3–63 lowercase letters, digits, dots and hyphens, with reserved forms. */
function s3Bucket(s: string): string | null {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(s))
    return "an S3 bucket name is 3–63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit";
  if (s.includes("..")) return "an S3 bucket name has no two adjacent dots";
  if (/^\d+\.\d+\.\d+\.\d+$/.test(s)) return "an S3 bucket name is not an IP address";
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(s) || /(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(s))
    return "an S3 bucket name cannot use a prefix or suffix S3 reserves";
  return null;
}

/** Cloud Storage bucket names: 3–63 characters (222 with dots), no "google", not starting with "goog". */
function gcsBucket(s: string): string | null {
  if (!/^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/.test(s))
    return "a Cloud Storage bucket name is lowercase letters, digits, - _ and ., starting and ending with a letter or digit";
  if (s.split(".").some((part) => part.length > 63) || (!s.includes(".") && s.length > 63))
    return "a Cloud Storage bucket name is at most 63 characters (222 with dots, 63 per dot-separated part)";
  if (s.startsWith("goog") || s.includes("google"))
    return "a Cloud Storage bucket name cannot contain google";
  if (/^\d+\.\d+\.\d+\.\d+$/.test(s)) return "a Cloud Storage bucket name is not an IP address";
  return null;
}

const RFC1035 = "[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?";
const GCP_LOCATION = "[a-z]+-[a-z]+[0-9]+(?:-[a-z])?";
/** Azure resource group names: 1–90 letters, digits, _ - . ( ), not ending in a dot. */
const AZ_RG = "[-\\w.()]{0,89}[-\\w()]";
const AZ_NAME = "[A-Za-z0-9][-A-Za-z0-9_.]{0,78}[A-Za-z0-9_]|[A-Za-z0-9]";

/** Kubernetes names: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/ */
const OKTA_ID = /^[A-Za-z0-9]{1,40}$/;
const DNS_LABEL = "[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?";
const DNS_SUBDOMAIN = "(?=.{1,253}$)[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?";

/**
 * Identifier formats per cloud and kind, each from the cloud's own naming rules (cited in `doc`). A kind a
 * cloud does not have is absent (no namespace on AWS; only namespaces on Kubernetes).
 */
export const RESOURCE_FORMATS: Record<Cloud, Partial<Record<ResourceKind, ResourceFormat>>> = {
  aws: {
    instance: {
      label: "EC2 instance id",
      example: "i-0abcd1234ef567890",
      doc: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/resource-ids.html",
      check: ok(/^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/, "an EC2 instance id is i- and 8 or 17 hex digits"),
    },
    bucket: {
      label: "S3 bucket name",
      example: "orders-reports",
      doc: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
      check: s3Bucket,
    },
    database: {
      label: "RDS DB instance identifier",
      example: "prod-orders",
      doc: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html#RDS_Limits.Constraints",
      check: all(
        ok(
          /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/,
          "an RDS identifier is 1–63 lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen",
        ),
        ok(/^(?!.*--)/, "an RDS identifier has no two consecutive hyphens"),
      ),
    },
    cluster: {
      label: "EKS cluster name",
      example: "prod-eks",
      doc: "https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html",
      check: ok(
        /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/,
        "an EKS cluster name is 1–100 letters, digits, - and _, starting with a letter or digit",
      ),
    },
    secret: {
      label: "Secrets Manager secret name",
      example: "prod/orders/db-password",
      doc: "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html",
      check: all(
        ok(/^[A-Za-z0-9/_+=.@-]{1,512}$/, "a secret name is 1–512 letters, digits and / _ + = . @ -"),
        // The ARN appends "-" and six random characters: a name ending like that would be ambiguous.
        ok(
          /^(?!.*-[A-Za-z0-9]{6}$)/,
          "a secret name must not end with a hyphen and six characters (use the name without the ARN suffix)",
        ),
      ),
    },
    function: {
      label: "Lambda function name",
      example: "orders-api",
      doc: "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html",
      check: ok(/^[A-Za-z0-9_-]{1,64}$/, "a Lambda function name is 1–64 letters, digits, - and _"),
    },
    "log-group": {
      label: "CloudWatch Logs log group name",
      example: "/aws/lambda/orders-api",
      doc: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html",
      check: ok(/^[.\-_/#A-Za-z0-9]{1,512}$/, "a log group name is 1–512 letters, digits and . - _ / #"),
    },
  },
  gcp: {
    instance: {
      label: "Compute Engine instance: zone/name",
      example: "us-central1-a/vm-42",
      doc: "https://cloud.google.com/compute/docs/naming-resources",
      check: ok(
        new RegExp(`^${GCP_LOCATION}/${RFC1035}$`),
        "a Compute Engine instance is zone/name, e.g. us-central1-a/vm-42 (name: lowercase letters, digits and hyphens)",
      ),
    },
    bucket: {
      label: "Cloud Storage bucket name",
      example: "orders-reports",
      doc: "https://cloud.google.com/storage/docs/buckets#naming",
      check: gcsBucket,
    },
    database: {
      label: "Cloud SQL instance id",
      example: "prod-orders",
      doc: "https://cloud.google.com/sql/docs/mysql/instance-settings#settings-2ndgen",
      check: ok(
        /^[a-z](?:[a-z0-9-]{0,96}[a-z0-9])?$/,
        "a Cloud SQL instance id is lowercase letters, digits and hyphens, starting with a letter",
      ),
    },
    cluster: {
      label: "GKE cluster: location/name",
      example: "us-central1/prod-gke",
      doc: "https://cloud.google.com/kubernetes-engine/docs/reference/rest/v1/projects.locations.clusters",
      check: ok(
        new RegExp(`^${GCP_LOCATION}/${RFC1035}$`),
        "a GKE cluster is location/name, e.g. us-central1/prod-gke",
      ),
    },
    secret: {
      label: "Secret Manager secret id",
      example: "orders-db-password",
      doc: "https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets/create",
      check: ok(/^[A-Za-z0-9_-]{1,255}$/, "a secret id is 1–255 letters, digits, - and _"),
    },
    function: {
      label: "Cloud Functions function: region/name",
      example: "us-central1/orders-api",
      doc: "https://cloud.google.com/functions/docs/reference/rest/v2/projects.locations.functions",
      check: ok(
        new RegExp(`^${GCP_LOCATION}/[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$`),
        "a function is region/name, e.g. us-central1/orders-api",
      ),
    },
    "log-group": {
      label: "Log bucket: location/bucket",
      example: "global/_Default",
      doc: "https://cloud.google.com/logging/docs/routing/overview#buckets",
      check: ok(
        /^[a-z0-9-]+\/[A-Za-z0-9_-]{1,100}$/,
        "a log bucket is location/bucket-id, e.g. global/_Default",
      ),
    },
  },
  azure: {
    instance: azureFormat("virtual machine", "rg-app/vm-42", 1),
    bucket: azureFormat(
      "blob container: resource group/storage account/container",
      "rg-data/ordersacct/reports",
      2,
    ),
    database: azureFormat("SQL database: resource group/server/database", "rg-data/orders-sql/orders", 2),
    cluster: azureFormat("AKS cluster", "rg-aks/prod-aks", 1),
    secret: azureFormat("Key Vault secret: resource group/vault/secret", "rg-sec/orders-kv/db-password", 2),
    function: azureFormat("Function App", "rg-app/orders-func", 1),
    "log-group": azureFormat("Log Analytics workspace", "rg-ops/ops-logs", 1),
  },
  kubernetes: {
    namespace: {
      label: "Kubernetes namespace, or namespace/object name",
      example: "shop or shop/checkout",
      doc: "https://kubernetes.io/docs/concepts/overview/working-with-objects/names/",
      check: ok(
        new RegExp(`^${DNS_LABEL}(?:/${DNS_SUBDOMAIN})?$`),
        "a namespace is 1–63 lowercase letters, digits and hyphens (RFC 1123 label), optionally /object-name",
      ),
    },
  },
  okta: {
    group: {
      label: "Okta group id",
      example: "00g1a2b3c4D5e6F7g8h9",
      doc: "https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Group/",
      check: ok(OKTA_ID, "an Okta group id is letters and digits (the id in the group's Admin Console URL)"),
    },
    app: {
      label: "Okta app id",
      example: "0oa1a2b3c4D5e6F7g8h9",
      doc: "https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Application/",
      check: ok(OKTA_ID, "an Okta app id is letters and digits (the id in the app's Admin Console URL)"),
    },
  },
};

function azureFormat(what: string, example: string, names: number): ResourceFormat {
  const label = what.includes(":") ? `Azure ${what}` : `Azure ${what}: resource group/name`;
  const shape = new RegExp(`^(?:${AZ_RG})(?:/(?:${AZ_NAME})){${names}}$`);
  return {
    label,
    example,
    doc: "https://learn.microsoft.com/en-us/azure/azure-resource-manager/management/resource-name-rules",
    check: ok(
      shape,
      `an ${label.replace(/^Azure /, "")} is ${names + 1} names separated by /, e.g. ${example}`,
    ),
  };
}

/** The ARM resource id below the resource group for each kind (provider and type/name pairs). */
const AZURE_PATH: Partial<Record<ResourceKind, (n: string[]) => string>> = {
  instance: ([vm]) => `providers/Microsoft.Compute/virtualMachines/${vm}`,
  bucket: ([acct, c]) =>
    `providers/Microsoft.Storage/storageAccounts/${acct}/blobServices/default/containers/${c}`,
  database: ([server, db]) => `providers/Microsoft.Sql/servers/${server}/databases/${db}`,
  cluster: ([c]) => `providers/Microsoft.ContainerService/managedClusters/${c}`,
  secret: ([vault, s]) => `providers/Microsoft.KeyVault/vaults/${vault}/secrets/${s}`,
  function: ([site]) => `providers/Microsoft.Web/sites/${site}`,
  "log-group": ([ws]) => `providers/Microsoft.OperationalInsights/workspaces/${ws}`,
};

/** The resource type (provider/type path, no names) an Azure scope of each kind names. */
export const AZURE_SCOPE_TYPE: Partial<Record<ResourceKind, string>> = {
  instance: "Microsoft.Compute/virtualMachines",
  bucket: "Microsoft.Storage/storageAccounts/blobServices/containers",
  database: "Microsoft.Sql/servers/databases",
  cluster: "Microsoft.ContainerService/managedClusters",
  secret: "Microsoft.KeyVault/vaults/secrets",
  function: "Microsoft.Web/sites",
  "log-group": "Microsoft.OperationalInsights/workspaces",
};

/**
 * Checks what the requester typed against the cloud's naming rules for the kind and returns it as the cloud
 * names it. Exact names only: nothing here ever becomes a wildcard or a prefix of a sibling's name.
 */
export function parseResource(
  cloud: Cloud,
  kind: ResourceKind | null,
  raw: string,
  accountId: string,
): ParsedResource {
  if (!kind)
    throw Validation("resourceKind", "say what kind of resource this is (instance, bucket, database, …)");
  const format = RESOURCE_FORMATS[cloud][kind];
  if (!format) throw Validation("resourceKind", `${cloud} has no ${kind} resources`);
  const value = raw.trim();
  const error = format.check(value);
  if (error) throw Validation("resource", `${error} (${format.doc})`);
  switch (cloud) {
    case "aws":
      return { cloud, kind, name: value };
    case "gcp": {
      const slash = value.indexOf("/");
      return slash < 0
        ? { cloud, kind, name: value, location: null }
        : { cloud, kind, name: value.slice(slash + 1), location: value.slice(0, slash) };
    }
    case "azure": {
      const [resourceGroup, ...names] = value.split("/");
      const path = AZURE_PATH[kind];
      if (!path) throw Validation("resourceKind", `azure has no ${kind} resources`);
      const scope = `/subscriptions/${accountId.toLowerCase()}/resourceGroups/${resourceGroup}/${path(names)}`;
      return { cloud, kind, resourceGroup, names, scope };
    }
    case "kubernetes": {
      const [namespace, name] = value.split("/");
      return { cloud, kind: "namespace", namespace, name: name ?? null };
    }
    case "okta":
      if (kind !== "group" && kind !== "app")
        throw Validation("resourceKind", `okta has no ${kind} resources`);
      return { cloud, kind, id: value };
  }
}
