import { k8sPermissionName, kubernetesAccessLevel } from "./kubernetes-names";
import type { RawEntry } from "./types";

const READ = ["get", "list", "watch"];
const WRITE = ["create", "update", "patch", "delete", "deletecollection"];
const ALL = [...READ, ...WRITE];

/**
 * The core set every cluster serves (Kubernetes API reference v1.31, and `kubectl api-resources -o wide`
 * on a fresh cluster): resources with their verbs, and the subresources RBAC names. A target's discovery
 * sync (lib/clouds/kubernetes) adds what its API server serves beyond these, CRDs included.
 * https://kubernetes.io/docs/reference/kubernetes-api/ and
 * https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources
 */
const CORE: [group: string, resource: string, verbs: string[], description: string][] = [
  ["", "pods", ALL, "Pods"],
  ["", "pods/log", ["get"], "Read a pod's container logs"],
  ["", "pods/exec", ["create", "get"], "Run a command in a pod's container (kubectl exec)"],
  ["", "pods/attach", ["create", "get"], "Attach to a running container"],
  ["", "pods/portforward", ["create", "get"], "Forward a local port to a pod"],
  ["", "pods/eviction", ["create"], "Evict a pod"],
  ["", "pods/ephemeralcontainers", ["get", "patch", "update"], "Add a debug container to a pod"],
  ["", "services", ALL, "Services"],
  ["", "endpoints", ALL, "Endpoints"],
  ["", "configmaps", ALL, "ConfigMaps"],
  ["", "secrets", ALL, "Secrets"],
  ["", "serviceaccounts", ALL, "ServiceAccounts"],
  ["", "serviceaccounts/token", ["create"], "Mint a token for a ServiceAccount (TokenRequest)"],
  ["", "persistentvolumeclaims", ALL, "PersistentVolumeClaims"],
  ["", "events", ALL, "Events"],
  ["", "namespaces", ["get", "list", "watch", "create", "update", "patch", "delete"], "Namespaces"],
  ["", "nodes", ALL, "Nodes"],
  ["", "nodes/proxy", ["get", "create"], "Proxy to a node's kubelet API"],
  ["", "users", ["impersonate"], "Act as another user (impersonation)"],
  ["", "groups", ["impersonate"], "Act as a member of another group (impersonation)"],
  ["", "serviceaccounts", ["impersonate"], "Act as a ServiceAccount (impersonation)"],
  ["apps", "deployments", ALL, "Deployments"],
  ["apps", "deployments/scale", ["get", "update", "patch"], "Scale a Deployment"],
  ["apps", "deployments/status", ["get", "update", "patch"], "A Deployment's status"],
  ["apps", "replicasets", ALL, "ReplicaSets"],
  ["apps", "replicasets/scale", ["get", "update", "patch"], "Scale a ReplicaSet"],
  ["apps", "statefulsets", ALL, "StatefulSets"],
  ["apps", "statefulsets/scale", ["get", "update", "patch"], "Scale a StatefulSet"],
  ["apps", "daemonsets", ALL, "DaemonSets"],
  ["batch", "jobs", ALL, "Jobs"],
  ["batch", "cronjobs", ALL, "CronJobs"],
  ["autoscaling", "horizontalpodautoscalers", ALL, "HorizontalPodAutoscalers"],
  ["networking.k8s.io", "ingresses", ALL, "Ingresses"],
  ["networking.k8s.io", "networkpolicies", ALL, "NetworkPolicies"],
  ["policy", "poddisruptionbudgets", ALL, "PodDisruptionBudgets"],
  ["rbac.authorization.k8s.io", "roles", [...ALL, "escalate", "bind"], "RBAC Roles"],
  ["rbac.authorization.k8s.io", "clusterroles", [...ALL, "escalate", "bind"], "RBAC ClusterRoles"],
  ["rbac.authorization.k8s.io", "rolebindings", ALL, "RBAC RoleBindings"],
  ["rbac.authorization.k8s.io", "clusterrolebindings", ALL, "RBAC ClusterRoleBindings"],
  [
    "certificates.k8s.io",
    "certificatesigningrequests/approval",
    ["update", "patch"],
    "Approve certificate signing requests",
  ],
];

const VERB_TEXT: Record<string, string> = {
  get: "Read one of",
  list: "List",
  watch: "Watch",
  create: "Create",
  update: "Replace",
  patch: "Patch",
  delete: "Delete",
  deletecollection: "Delete many",
  escalate: "Grant more than one holds through",
  bind: "Bind",
  impersonate: "Impersonate",
};

/** Entries for the permissions Kubernetes names in RBAC rules, from the core set above. */
export function builtinKubernetesEntries(): RawEntry[] {
  return CORE.flatMap(([group, resource, verbs, what]) =>
    verbs.map((verb): RawEntry => {
      const name = k8sPermissionName(group, resource, verb);
      const sub = resource.includes("/");
      return {
        cloud: "kubernetes",
        service: group === "" ? "core" : group,
        name,
        description: sub ? `${what} (${verb})` : `${VERB_TEXT[verb] ?? verb} ${what}`,
        accessLevel: kubernetesAccessLevel(name),
        resourceTypes: [resource],
        conditionKeys: [],
      };
    }),
  );
}
