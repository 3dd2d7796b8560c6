import type { ResourceKind } from "@/lib/catalog/resources";

/** The kinds AWS, GCP and Azure name (a namespace is Kubernetes' only). */
export type CloudKind = Exclude<ResourceKind, "namespace" | "group" | "app">;

/**
 * Realistic resources per cloud and kind, and how each cloud names the resource a call is authorised on.
 * Written from the clouds' documentation (cited per entry), not from Elevate's builder: the tests evaluate
 * the built documents against these names with independent evaluators (lib/iam).
 */
export const ACCOUNT = "111122223333";
export const PROJECT = "elevate-demo-prod";
export const PROJECT_NUMBER = "123456789012";
export const SUBSCRIPTION = "00000000-0000-4000-8000-000000000001";
export const REGION = "us-east-1";

/** One resource: what the requester types, and a sibling that must stay out of reach. */
export type Case = { input: string; sibling: string };

/**
 * Siblings share a prefix with the real name wherever the format allows, the way substring and prefix
 * matching went wrong before (orders-prod-replica, function:orders-api-v2).
 */
export const AWS_CASES: Record<CloudKind, Case> = {
  // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/resource-ids.html
  instance: { input: "i-0abcd1234ef567890", sibling: "i-0abcd1234ef567891" },
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
  bucket: { input: "orders-reports", sibling: "orders-reports-archive" },
  // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html#RDS_Limits.Constraints
  database: { input: "prod-orders", sibling: "prod-orders-replica" },
  // https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html
  cluster: { input: "prod-eks", sibling: "prod-eks-2" },
  // https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_secret_json_structure.html
  secret: { input: "prod/orders/db-password", sibling: "prod/orders/db-password-old" },
  // https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html
  function: { input: "orders-api", sibling: "orders-api-v2" },
  // https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html
  "log-group": { input: "/aws/lambda/orders-api", sibling: "/aws/lambda/orders-api-v2" },
};

/**
 * The ARN a call on `name` is authorised against, per resource type key of the Service Authorization
 * Reference (https://docs.aws.amazon.com/service-authorization/latest/reference/). Random suffixes and ids
 * are the ones AWS appends (Secrets Manager: "-" and six characters; EKS node groups: a UUID).
 */
export const AWS_REAL_ARN: Record<string, (name: string) => string> = {
  "ec2:instance": (n) => `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/${n}`,
  // https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-restrict-access-examples.html
  "ssm:document": () => `arn:aws:ssm:${REGION}:${ACCOUNT}:document/SSM-SessionManagerRunShell`,
  "ssm:session": () => `arn:aws:ssm:${REGION}:${ACCOUNT}:session/AROAEXAMPLEID:grant-1-0a1b2c3d4e5f60789`,
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-arn-format.html
  "s3:bucket": (n) => `arn:aws:s3:::${n}`,
  "s3:object": (n) => `arn:aws:s3:::${n}/2026/11/report.csv`,
  "rds:db": (n) => `arn:aws:rds:${REGION}:${ACCOUNT}:db:${n}`,
  "eks:cluster": (n) => `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/${n}`,
  "eks:nodegroup": (n) =>
    `arn:aws:eks:${REGION}:${ACCOUNT}:nodegroup/${n}/ng-1/4ac5f0e2-1b2c-3d4e-5f60-718293a4b5c6`,
  "eks:addon": (n) =>
    `arn:aws:eks:${REGION}:${ACCOUNT}:addon/${n}/vpc-cni/5dc5f0e2-1b2c-3d4e-5f60-718293a4b5c6`,
  "secretsmanager:secret": (n) => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${n}-AbCdEf`,
  "lambda:function": (n) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${n}`,
  // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/iam-access-control-overview-cwl.html
  "logs:log-group": (n) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${n}:*`,
  "logs:log-stream": (n) =>
    `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${n}:log-stream:2026/11/30/[$LATEST]0a1b`,
};
/** `${aws:userid}` of a role session: role id and session name (the grant id). */
export const AWS_USERID = "AROAEXAMPLEID:grant-1";

export const GCP_CASES: Record<CloudKind, Case> = {
  // https://cloud.google.com/compute/docs/naming-resources
  instance: { input: "us-central1-a/vm-42", sibling: "us-central1-a/vm-420" },
  // https://cloud.google.com/storage/docs/buckets#naming
  bucket: { input: "orders-reports", sibling: "orders-reports-archive" },
  database: { input: "prod-orders", sibling: "prod-orders-replica" },
  cluster: { input: "us-central1/prod-gke", sibling: "us-central1/prod-gke-2" },
  secret: { input: "orders-db-password", sibling: "orders-db-password-old" },
  function: { input: "us-central1/orders-api", sibling: "us-central1/orders-api-v2" },
  "log-group": { input: "global/_Default", sibling: "global/_Required" },
};

type GcpRes = { type: string; name: string };
/**
 * The resource IAM checks a permission on, as its resource attributes name it
 * (https://cloud.google.com/iam/docs/conditions-resource-attributes): Cloud Storage objects and buckets with
 * project "_", Secret Manager with the project number, lists on their parent collection's owner.
 */
export function gcpRealResource(permission: string, input: string): GcpRes {
  const [loc, name] = input.includes("/") ? input.split("/") : [null, input];
  const project: GcpRes = {
    type: "cloudresourcemanager.googleapis.com/Project",
    name: `projects/${PROJECT_NUMBER}`,
  };
  const bucket = { type: "storage.googleapis.com/Bucket", name: `projects/_/buckets/${name}` };
  const sql = { type: "sqladmin.googleapis.com/Instance", name: `projects/${PROJECT}/instances/${name}` };
  const secret = {
    type: "secretmanager.googleapis.com/Secret",
    name: `projects/${PROJECT_NUMBER}/secrets/${name}`,
  };
  const table: Record<string, GcpRes> = {
    "compute.instances.list": project,
    "compute.projects.get": project,
    "storage.objects.list": bucket,
    "storage.buckets.get": bucket,
    "cloudsql.instances.list": project,
    "cloudsql.databases.list": sql,
    "container.clusters.list": project,
    "secretmanager.versions.list": secret,
  };
  if (table[permission]) return table[permission];
  const [service, collection] = permission.split(".");
  switch (`${service}.${collection}`) {
    case "compute.instances":
      return {
        type: "compute.googleapis.com/Instance",
        name: `projects/${PROJECT}/zones/${loc}/instances/${name}`,
      };
    case "storage.objects":
      return {
        type: "storage.googleapis.com/Object",
        name: `projects/_/buckets/${name}/objects/2026/11/report.csv`,
      };
    case "cloudsql.instances":
    case "cloudsql.databases":
      return sql;
    case "container.clusters":
      return {
        type: "container.googleapis.com/Cluster",
        name: `projects/${PROJECT}/locations/${loc}/clusters/${name}`,
      };
    case "secretmanager.secrets":
      return secret;
    case "secretmanager.versions":
      return { type: "secretmanager.googleapis.com/SecretVersion", name: `${secret.name}/versions/3` };
    default:
      return project;
  }
}

export const AZURE_CASES: Record<CloudKind, Case> = {
  // https://learn.microsoft.com/en-us/azure/azure-resource-manager/management/resource-name-rules
  instance: { input: "rg-app/vm-42", sibling: "rg-app/vm-420" },
  bucket: { input: "rg-data/ordersacct/reports", sibling: "rg-data/ordersacct/reports-archive" },
  database: { input: "rg-data/orders-sql/orders", sibling: "rg-data/orders-sql/orders-replica" },
  cluster: { input: "rg-aks/prod-aks", sibling: "rg-aks/prod-aks-2" },
  secret: { input: "rg-sec/orders-kv/db-password", sibling: "rg-sec/orders-kv/db-password-old" },
  function: { input: "rg-app/orders-func", sibling: "rg-app/orders-func-v2" },
  "log-group": { input: "rg-ops/ops-logs", sibling: "rg-ops/ops-logs-2" },
};

/**
 * The ARM id an operation is authorised on (https://learn.microsoft.com/en-us/azure/role-based-access-control/scope-overview):
 * the resource itself, or a child of it for child-type operations (a blob in the container).
 */
export function azureRealResource(kind: CloudKind, input: string, operation: string): string {
  const [rg, a, b] = input.split("/");
  const base = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${rg}/providers`;
  const id: Record<CloudKind, string> = {
    instance: `${base}/Microsoft.Compute/virtualMachines/${a}`,
    bucket: `${base}/Microsoft.Storage/storageAccounts/${a}/blobServices/default/containers/${b}`,
    database: `${base}/Microsoft.Sql/servers/${a}/databases/${b}`,
    cluster: `${base}/Microsoft.ContainerService/managedClusters/${a}`,
    secret: `${base}/Microsoft.KeyVault/vaults/${a}/secrets/${b}`,
    function: `${base}/Microsoft.Web/sites/${a}`,
    "log-group": `${base}/Microsoft.OperationalInsights/workspaces/${a}`,
  };
  if (/\/blobs\//i.test(operation)) return `${id[kind]}/blobs/report-2026-11.csv`;
  if (/\/agentPools\//i.test(operation)) return `${id[kind]}/agentPools/nodepool1`;
  if (/\/sites\/functions\//i.test(operation)) return `${id[kind]}/functions/HttpTrigger1`;
  return id[kind];
}
