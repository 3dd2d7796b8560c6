import { z } from "zod";
import { K8S_PERMISSION, k8sPermissionName, kubernetesAccessLevel } from "../kubernetes-names";
import type { CatalogRole, RawEntry } from "../types";
import { parseJsonAs } from "./parse-json";

/**
 * The API server's discovery documents, as `kubectl get --raw /api/v1` and `/apis/<group>/<version>` print
 * them (APIResourceList), collected in one JSON array.
 * https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/ (APIResourceList)
 */
const ResourceList = z.object({
  groupVersion: z.string().min(1),
  resources: z.array(
    z.object({
      name: z.string().min(1),
      verbs: z.array(z.string()).default([]),
      kind: z.string().optional(),
    }),
  ),
});

export function parseKubernetesApiResources(content: string): { entries: RawEntry[]; roles: CatalogRole[] } {
  const lists = parseJsonAs(
    z.array(ResourceList).min(1, "no resource lists"),
    content,
    "kubernetes discovery",
  );
  const entries = new Map<string, RawEntry>();
  for (const list of lists) {
    const group = list.groupVersion.includes("/") ? list.groupVersion.split("/")[0] : "";
    for (const r of list.resources) {
      for (const verb of r.verbs) {
        const name = k8sPermissionName(group, r.name, verb);
        if (!K8S_PERMISSION.test(name)) continue;
        entries.set(name, {
          cloud: "kubernetes",
          service: group === "" ? "core" : group,
          name,
          description: `${verb} ${r.name}${r.kind ? ` (${r.kind})` : ""}`,
          accessLevel: kubernetesAccessLevel(name),
          resourceTypes: [r.name],
          conditionKeys: [],
        });
      }
    }
  }
  return { entries: [...entries.values()], roles: [] };
}
