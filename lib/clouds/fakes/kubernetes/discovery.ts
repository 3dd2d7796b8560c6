/**
 * What the fake serves at /api, /api/v1, /apis and /apis/<group>/<version>: the shapes of the discovery
 * documents (APIVersions, APIGroupList, APIResourceList) from
 * https://kubernetes.io/docs/concepts/overview/kubernetes-api/#discovery-api and a v1.31 cluster's
 * `kubectl get --raw /apis/apps/v1`, trimmed to the resources the tests use, plus one CRD group.
 */
export type FakeResource = { name: string; kind: string; namespaced: boolean; verbs: string[] };

const RW = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

export const DISCOVERY: Record<string, FakeResource[]> = {
  v1: [
    { name: "pods", kind: "Pod", namespaced: true, verbs: RW },
    { name: "pods/log", kind: "Pod", namespaced: true, verbs: ["get"] },
    { name: "pods/exec", kind: "PodExecOptions", namespaced: true, verbs: ["create", "get"] },
    { name: "secrets", kind: "Secret", namespaced: true, verbs: RW },
    { name: "configmaps", kind: "ConfigMap", namespaced: true, verbs: RW },
    {
      name: "namespaces",
      kind: "Namespace",
      namespaced: false,
      verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
    },
    { name: "serviceaccounts", kind: "ServiceAccount", namespaced: true, verbs: RW },
    { name: "serviceaccounts/token", kind: "TokenRequest", namespaced: true, verbs: ["create"] },
  ],
  "apps/v1": [
    { name: "deployments", kind: "Deployment", namespaced: true, verbs: RW },
    { name: "deployments/scale", kind: "Scale", namespaced: true, verbs: ["get", "patch", "update"] },
    { name: "statefulsets", kind: "StatefulSet", namespaced: true, verbs: RW },
  ],
  "batch/v1": [{ name: "jobs", kind: "Job", namespaced: true, verbs: RW }],
  "rbac.authorization.k8s.io/v1": [
    { name: "roles", kind: "Role", namespaced: true, verbs: RW },
    { name: "rolebindings", kind: "RoleBinding", namespaced: true, verbs: RW },
    { name: "clusterroles", kind: "ClusterRole", namespaced: false, verbs: RW },
    { name: "clusterrolebindings", kind: "ClusterRoleBinding", namespaced: false, verbs: RW },
  ],
  "authorization.k8s.io/v1": [
    { name: "subjectaccessreviews", kind: "SubjectAccessReview", namespaced: false, verbs: ["create"] },
  ],
  // A custom resource: discovery must bring in what the built-in catalog cannot know.
  "widgets.example.com/v1": [
    { name: "widgets", kind: "Widget", namespaced: true, verbs: RW },
    { name: "widgets/status", kind: "Widget", namespaced: true, verbs: ["get", "patch", "update"] },
  ],
};

export function resourceList(groupVersion: string) {
  const resources = DISCOVERY[groupVersion];
  if (!resources) return undefined;
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion,
    resources: resources.map((r) => ({
      name: r.name,
      singularName: "",
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
    })),
  };
}

export function groupList() {
  const groups = Object.keys(DISCOVERY).filter((gv) => gv.includes("/"));
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: groups.map((gv) => {
      const [name, version] = gv.split("/");
      const v = { groupVersion: gv, version };
      return { name, versions: [v], preferredVersion: v };
    }),
  };
}

export const apiVersions = () => ({
  kind: "APIVersions",
  versions: ["v1"],
  serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "127.0.0.1:6443" }],
});

/** Is this resource namespaced? (unknown resources are treated as namespaced, like most). */
export function isNamespaced(group: string, resource: string): boolean {
  for (const [gv, list] of Object.entries(DISCOVERY)) {
    const g = gv.includes("/") ? gv.split("/")[0] : "";
    if (g !== group) continue;
    const hit = list.find((r) => r.name === resource);
    if (hit) return hit.namespaced;
  }
  return true;
}
