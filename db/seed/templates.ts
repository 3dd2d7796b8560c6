import type { CloudPermissions, Risk } from "@/db/schema";

export type TemplateSeed = {
  key: string;
  name: string;
  description: string;
  risk: Risk;
  placeholders: string[];
  permissions: CloudPermissions;
};

/**
 * Starter task templates: plain-language intents with least-privilege permissions on each cloud. Every
 * permission exists in the catalog (lib/catalog/__tests__/templates.test.ts checks it).
 */
export const STARTER_TEMPLATES: TemplateSeed[] = [
  {
    key: "vm.ssh",
    name: "SSH to a VM",
    description:
      "Open a shell (SSH login session) on one virtual machine through the cloud's session manager.",
    risk: "high",
    placeholders: ["instance"],
    permissions: {
      aws: ["ssm:StartSession", "ssm:TerminateSession", "ssm:DescribeSessions", "ec2:DescribeInstances"],
      gcp: ["compute.instances.get", "compute.instances.osLogin", "compute.projects.get"],
      azure: ["Microsoft.Compute/virtualMachines/read", "Microsoft.Compute/virtualMachines/login/action"],
    },
  },
  {
    key: "vm.restart",
    name: "Restart a VM",
    description: "Stop, start or reboot one virtual machine.",
    risk: "medium",
    placeholders: ["instance"],
    permissions: {
      aws: ["ec2:DescribeInstances", "ec2:RebootInstances", "ec2:StartInstances", "ec2:StopInstances"],
      gcp: [
        "compute.instances.get",
        "compute.instances.reset",
        "compute.instances.start",
        "compute.instances.stop",
      ],
      azure: [
        "Microsoft.Compute/virtualMachines/read",
        "Microsoft.Compute/virtualMachines/restart/action",
        "Microsoft.Compute/virtualMachines/start/action",
        "Microsoft.Compute/virtualMachines/powerOff/action",
      ],
    },
  },
  {
    key: "db.patch",
    name: "Patch a database",
    description: "Apply maintenance and modify settings of one managed database instance.",
    risk: "high",
    placeholders: ["database"],
    permissions: {
      aws: [
        "rds:DescribeDBInstances",
        "rds:ModifyDBInstance",
        "rds:ApplyPendingMaintenanceAction",
        "rds:RebootDBInstance",
      ],
      gcp: ["cloudsql.instances.get", "cloudsql.instances.update", "cloudsql.instances.restart"],
      azure: ["Microsoft.Sql/servers/databases/read", "Microsoft.Sql/servers/databases/write"],
    },
  },
  {
    key: "db.read",
    name: "Read a database's configuration",
    description: "See one managed database's settings and which log files it has, without changing it.",
    risk: "low",
    placeholders: ["database"],
    permissions: {
      aws: ["rds:DescribeDBInstances", "rds:DescribeDBLogFiles"],
      gcp: ["cloudsql.instances.get", "cloudsql.databases.get", "cloudsql.databases.list"],
      azure: ["Microsoft.Sql/servers/databases/read"],
    },
  },
  {
    key: "bucket.read",
    name: "Read a bucket",
    description: "List and download objects in one storage bucket.",
    risk: "medium",
    placeholders: ["bucket"],
    permissions: {
      aws: ["s3:ListBucket", "s3:GetObject", "s3:GetBucketLocation"],
      gcp: ["storage.buckets.get", "storage.objects.get", "storage.objects.list"],
      azure: [
        "Microsoft.Storage/storageAccounts/blobServices/containers/read",
        "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
      ],
    },
  },
  {
    key: "bucket.write",
    name: "Write to a bucket",
    description: "Upload, overwrite and delete objects in one storage bucket.",
    risk: "medium",
    placeholders: ["bucket"],
    permissions: {
      aws: ["s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:GetBucketLocation"],
      gcp: [
        "storage.buckets.get",
        "storage.objects.list",
        "storage.objects.get",
        "storage.objects.create",
        "storage.objects.delete",
      ],
      azure: [
        "Microsoft.Storage/storageAccounts/blobServices/containers/read",
        "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
        "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
        "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete",
      ],
    },
  },
  {
    key: "logs.read",
    name: "Read logs",
    description: "Query application and platform logs for troubleshooting.",
    risk: "medium",
    placeholders: [],
    permissions: {
      aws: ["logs:DescribeLogGroups", "logs:DescribeLogStreams", "logs:GetLogEvents", "logs:FilterLogEvents"],
      gcp: ["logging.logEntries.list", "logging.logs.list", "logging.views.access"],
      azure: ["Microsoft.Insights/logs/read", "Microsoft.OperationalInsights/workspaces/read"],
    },
  },
  {
    key: "k8s.read",
    name: "Read a Kubernetes cluster",
    description: "Describe one cluster and read its workloads (no secrets).",
    risk: "high",
    placeholders: ["cluster"],
    permissions: {
      aws: ["eks:DescribeCluster", "eks:ListClusters", "eks:AccessKubernetesApi"],
      gcp: ["container.clusters.get", "container.pods.list", "container.deployments.list"],
      azure: [
        "Microsoft.ContainerService/managedClusters/read",
        "Microsoft.ContainerService/managedClusters/listClusterUserCredential/action",
      ],
    },
  },
  {
    key: "k8s.describe",
    name: "Describe a Kubernetes cluster",
    description:
      "See one managed Kubernetes cluster's settings and version, without access to its workloads.",
    risk: "low",
    placeholders: ["cluster"],
    permissions: {
      aws: ["eks:DescribeCluster", "eks:ListClusters"],
      gcp: ["container.clusters.get", "container.clusters.list"],
      azure: ["Microsoft.ContainerService/managedClusters/read"],
    },
  },
  {
    key: "k8s.cluster.update",
    name: "Update a Kubernetes cluster",
    description: "Upgrade or change the settings and node pools of one managed Kubernetes cluster.",
    risk: "high",
    placeholders: ["cluster"],
    permissions: {
      aws: [
        "eks:DescribeCluster",
        "eks:UpdateClusterVersion",
        "eks:UpdateClusterConfig",
        "eks:DescribeNodegroup",
        "eks:UpdateNodegroupVersion",
        "eks:DescribeUpdate",
      ],
      gcp: [
        "container.clusters.get",
        "container.clusters.update",
        "container.operations.get",
        "container.nodes.list",
      ],
      azure: [
        "Microsoft.ContainerService/managedClusters/read",
        "Microsoft.ContainerService/managedClusters/write",
        "Microsoft.ContainerService/managedClusters/agentPools/read",
        "Microsoft.ContainerService/managedClusters/agentPools/write",
      ],
    },
  },
  {
    key: "secrets.read",
    name: "Read a secret",
    description: "Read the current value of one secret from the cloud's secret store.",
    risk: "high",
    placeholders: ["secret"],
    permissions: {
      aws: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
      gcp: ["secretmanager.secrets.get", "secretmanager.versions.access", "secretmanager.versions.get"],
      azure: ["Microsoft.KeyVault/vaults/secrets/getSecret/action"],
    },
  },
  {
    key: "function.deploy",
    name: "Deploy a function",
    description: "Upload new code and configuration for one serverless function.",
    risk: "high",
    placeholders: ["function"],
    permissions: {
      aws: ["lambda:GetFunction", "lambda:UpdateFunctionCode", "lambda:PublishVersion"],
      gcp: [
        "cloudfunctions.functions.get",
        "cloudfunctions.functions.update",
        "cloudfunctions.functions.sourceCodeSet",
        "cloudfunctions.operations.get",
      ],
      azure: [
        "Microsoft.Web/sites/read",
        "Microsoft.Web/sites/functions/read",
        "Microsoft.Web/sites/functions/write",
        "Microsoft.Web/sites/restart/action",
      ],
    },
  },
  {
    key: "incident.readonly",
    name: "Read-only incident responder",
    description:
      "See instances, clusters, databases, alarms and logs across the account to triage an incident.",
    risk: "medium",
    placeholders: [],
    permissions: {
      aws: [
        "ec2:DescribeInstances",
        "ec2:DescribeInstanceStatus",
        "eks:DescribeCluster",
        "eks:ListClusters",
        "rds:DescribeDBInstances",
        "cloudwatch:DescribeAlarms",
        "cloudwatch:GetMetricData",
        "logs:DescribeLogGroups",
        "logs:FilterLogEvents",
      ],
      gcp: [
        "compute.instances.list",
        "compute.instances.get",
        "container.clusters.list",
        "cloudsql.instances.list",
        "monitoring.alertPolicies.list",
        "monitoring.timeSeries.list",
        "logging.logEntries.list",
      ],
      azure: [
        "Microsoft.Compute/virtualMachines/read",
        "Microsoft.ContainerService/managedClusters/read",
        "Microsoft.Sql/servers/read",
        "Microsoft.Insights/alertRules/read",
        "Microsoft.Insights/metrics/read",
        "Microsoft.Insights/logs/read",
      ],
    },
  },
  // Kubernetes RBAC (`<group>/<resource>:<verb>`, lib/catalog/kubernetes-names.ts): a namespace placeholder
  // makes a Role and RoleBinding there; none makes a ClusterRole and ClusterRoleBinding.
  {
    key: "k8s.pods.read",
    name: "Read pods and logs in a namespace",
    description: "List and read the pods of one Kubernetes namespace and their container logs.",
    risk: "medium",
    placeholders: ["namespace"],
    permissions: {
      aws: [],
      gcp: [],
      azure: [],
      kubernetes: ["core/pods:get", "core/pods:list", "core/pods:watch", "core/pods/log:get"],
    },
  },
  {
    key: "k8s.deployment.restart",
    name: "Restart a deployment",
    description:
      "Restart the pods of a Kubernetes deployment (kubectl rollout restart), in a namespace or one deployment (namespace/name).",
    risk: "medium",
    placeholders: ["namespace"],
    permissions: {
      aws: [],
      gcp: [],
      azure: [],
      kubernetes: ["apps/deployments:get", "apps/deployments:patch"],
    },
  },
  {
    key: "k8s.pod.exec",
    name: "Exec into a pod",
    description: "Open a shell in a running container of a pod (kubectl exec) in one namespace.",
    risk: "high",
    placeholders: ["namespace"],
    permissions: {
      aws: [],
      gcp: [],
      azure: [],
      kubernetes: ["core/pods:get", "core/pods:list", "core/pods/exec:create", "core/pods/exec:get"],
    },
  },
  {
    key: "k8s.workloads.update",
    name: "Update a cluster's workloads",
    description:
      "Change deployments, stateful sets, daemon sets and jobs in every namespace of a Kubernetes cluster.",
    risk: "high",
    placeholders: [],
    permissions: {
      aws: [],
      gcp: [],
      azure: [],
      kubernetes: [
        "apps/daemonsets:get",
        "apps/daemonsets:list",
        "apps/daemonsets:patch",
        "apps/daemonsets:update",
        "apps/deployments:get",
        "apps/deployments:list",
        "apps/deployments:patch",
        "apps/deployments:update",
        "apps/deployments/scale:patch",
        "apps/statefulsets:get",
        "apps/statefulsets:list",
        "apps/statefulsets:patch",
        "apps/statefulsets:update",
        "batch/jobs:create",
        "batch/jobs:delete",
        "batch/jobs:get",
        "batch/jobs:list",
      ],
    },
  },
  // Okta admin permissions (docs/okta.md): a custom admin role on a resource set of the named group's
  // users, or of the named app. Risk from the catalog: resetting passwords and app assignments escalate.
  {
    key: "okta.user.reset-password",
    name: "Reset a user's password in a group",
    description:
      "Reset the password of users in one Okta group (the Admin Console's Reset Password), and read them.",
    risk: "high",
    placeholders: ["group"],
    permissions: {
      aws: [],
      gcp: [],
      azure: [],
      okta: ["okta.users.credentials.resetPassword", "okta.users.read"],
    },
  },
  {
    key: "okta.user.unlock",
    name: "Unlock a user",
    description: "Unlock locked-out users in one Okta group, and read them.",
    risk: "medium",
    placeholders: ["group"],
    permissions: { aws: [], gcp: [], azure: [], okta: ["okta.users.lifecycle.unlock", "okta.users.read"] },
  },
  {
    key: "okta.app.assignments",
    name: "Manage an app's assignments",
    description: "Assign people and groups to one Okta app, or remove them, and read the app.",
    risk: "high",
    placeholders: ["app"],
    permissions: {
      aws: [],
      gcp: [],
      azure: [],
      okta: ["okta.apps.assignment.manage", "okta.apps.read"],
    },
  },
];
