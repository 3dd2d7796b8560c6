import { parseK8sPermission } from "./kubernetes-names";
import type { ParsedResource } from "./resources";

/** One RBAC PolicyRule, as the API takes it. https://kubernetes.io/docs/reference/kubernetes-api/authorization-resources/role-v1/ */
export type K8sRule = { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] };

type Scope = Extract<ParsedResource, { cloud: "kubernetes" }> | null;

/**
 * RBAC rules for expanded permission names: one rule per (API group, verb set), its resources sorted, so
 * the same set in any order gives the same rules (and content hash). With an object name, every rule
 * carries `resourceNames`; RBAC then cannot authorise list, watch, create or deletecollection (they name
 * no object), which `notes` says.
 */
export function kubernetesRules(permissions: string[], scope: Scope): { rules: K8sRule[]; notes: string[] } {
  const verbsOf = new Map<string, Set<string>>();
  for (const p of permissions) {
    const k = parseK8sPermission(p);
    if (!k) continue;
    const key = `${k.apiGroup}\u0000${k.resource}`;
    const verbs = verbsOf.get(key) ?? new Set<string>();
    verbs.add(k.verb);
    verbsOf.set(key, verbs);
  }
  const grouped = new Map<string, { apiGroup: string; verbs: string[]; resources: string[] }>();
  for (const [key, verbs] of verbsOf) {
    const [apiGroup, resource] = key.split("\u0000");
    const sorted = [...verbs].sort();
    const gk = `${apiGroup}\u0000${sorted.join(",")}`;
    const g = grouped.get(gk) ?? { apiGroup, verbs: sorted, resources: [] };
    g.resources.push(resource);
    grouped.set(gk, g);
  }
  const name = scope?.name ?? null;
  const rules = [...grouped.values()]
    .map((g) => ({
      apiGroups: [g.apiGroup],
      resources: g.resources.sort(),
      verbs: g.verbs,
      ...(name ? { resourceNames: [name] } : {}),
    }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  const notes: string[] = [];
  if (name) {
    const unnamed = permissions.filter((p) =>
      ["list", "watch", "create", "deletecollection"].includes(parseK8sPermission(p)?.verb ?? ""),
    );
    if (unnamed.length)
      notes.push(
        `Limited to the object ${name}: RBAC cannot restrict ${unnamed.join(", ")} by name, so the cluster will deny them (https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources)`,
      );
  }
  return { rules, notes };
}
