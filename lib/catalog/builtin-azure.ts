import { azureAccessLevel, serviceOf } from "./access-level";
import type { RawEntry } from "./types";

/**
 * Hand-written entries (descriptions and spellings win over the bundled Azure catalog, load.ts); the third
 * field marks data actions (which go to `dataActions`).
 */
const AZURE: [string, string, boolean?][] = [
  ["Microsoft.Compute/virtualMachines/read", "Get the properties of a virtual machine (VM)"],
  [
    "Microsoft.Compute/virtualMachines/login/action",
    "Log in to a virtual machine (SSH) as a regular user",
    true,
  ],
  [
    "Microsoft.Compute/virtualMachines/loginAsAdmin/action",
    "Log in to a virtual machine (SSH) as administrator",
    true,
  ],
  ["Microsoft.Compute/virtualMachines/restart/action", "Restart a virtual machine (VM)"],
  ["Microsoft.Compute/virtualMachines/start/action", "Start a virtual machine (VM)"],
  ["Microsoft.Compute/virtualMachines/powerOff/action", "Power off (stop) a virtual machine (VM)"],
  ["Microsoft.Compute/virtualMachines/runCommand/action", "Run a script (command) on a virtual machine"],
  ["Microsoft.Network/bastionHosts/read", "Get a Bastion host used to connect to virtual machines"],
  ["Microsoft.Sql/servers/read", "Get the properties of a SQL database server"],
  ["Microsoft.Sql/servers/databases/read", "Get the properties of a SQL database"],
  ["Microsoft.Sql/servers/databases/write", "Create or update (patch) a SQL database"],
  ["Microsoft.Storage/storageAccounts/read", "Get a storage account"],
  ["Microsoft.Storage/storageAccounts/listKeys/action", "List the access keys of a storage account"],
  ["Microsoft.Storage/storageAccounts/blobServices/containers/read", "Get or list blob containers (buckets)"],
  [
    "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
    "Read (download) a blob in a container",
    true,
  ],
  [
    "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
    "Write (upload) a blob to a container",
    true,
  ],
  [
    "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete",
    "Delete a blob from a container",
    true,
  ],
  ["Microsoft.Insights/logs/read", "Read logs"],
  ["Microsoft.Insights/alertRules/read", "Read classic metric alert rules"],
  ["Microsoft.Insights/metrics/read", "Read metrics"],
  ["Microsoft.OperationalInsights/workspaces/read", "Get a Log Analytics workspace"],
  ["Microsoft.OperationalInsights/workspaces/query/read", "Run log queries in a Log Analytics workspace"],
  ["Microsoft.ContainerService/managedClusters/read", "Get a managed Kubernetes (AKS) cluster"],
  [
    "Microsoft.ContainerService/managedClusters/write",
    "Create or update (upgrade) a managed Kubernetes (AKS) cluster",
  ],
  ["Microsoft.ContainerService/managedClusters/agentPools/read", "Get an AKS node pool (agent pool)"],
  [
    "Microsoft.ContainerService/managedClusters/agentPools/write",
    "Create or update an AKS node pool (agent pool)",
  ],
  [
    "Microsoft.ContainerService/managedClusters/listClusterUserCredential/action",
    "List the cluster user credential of an AKS cluster",
  ],
  [
    "Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action",
    "List the cluster admin credential of an AKS cluster",
  ],
  ["Microsoft.KeyVault/vaults/read", "View a key vault's properties"],
  ["Microsoft.KeyVault/vaults/secrets/read", "View a secret's properties (not its value)"],
  ["Microsoft.KeyVault/vaults/secrets/getSecret/action", "Read (get) the value of a secret", true],
  ["Microsoft.Web/sites/read", "Get a web app or function app"],
  ["Microsoft.Web/sites/write", "Create or update a web app or function app"],
  ["Microsoft.Web/sites/restart/action", "Restart a web app or function app"],
  ["Microsoft.Web/sites/functions/read", "Get a function of a function app"],
  ["Microsoft.Web/sites/functions/write", "Create or update (deploy) a function of a function app"],
  [
    "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action",
    "Assign a user-assigned managed identity",
  ],
  ["Microsoft.Authorization/roleDefinitions/read", "Get a role definition"],
  ["Microsoft.Authorization/roleDefinitions/write", "Create or update a custom role definition"],
  ["Microsoft.Authorization/roleDefinitions/delete", "Delete a custom role definition"],
  ["Microsoft.Authorization/roleAssignments/read", "Get a role assignment"],
  ["Microsoft.Authorization/roleAssignments/write", "Create a role assignment (grant a role)"],
  ["Microsoft.Authorization/roleAssignments/delete", "Delete a role assignment"],
  [
    "Microsoft.Authorization/roleAssignmentScheduleRequests/write",
    "Request a time-bound (PIM) role assignment",
  ],
  [
    "Microsoft.Authorization/roleAssignmentScheduleRequests/cancel/action",
    "Cancel a pending PIM role assignment request",
  ],
  ["Microsoft.Authorization/roleEligibilityScheduleRequests/write", "Request a PIM role eligibility"],
];

export function builtinAzureEntries(): RawEntry[] {
  return AZURE.map(([name, description, dataAction]) => ({
    cloud: "azure",
    service: serviceOf("azure", name),
    name,
    description,
    accessLevel: azureAccessLevel(name),
    resourceTypes: [],
    conditionKeys: [],
    ...(dataAction ? { dataAction: true } : {}),
  }));
}
