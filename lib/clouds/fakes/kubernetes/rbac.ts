import type { FakeKubernetesState, KObject } from "./state";

/**
 * The fake's authorizer: the RBAC rules as the Kubernetes documentation states them, written apart from
 * Elevate's own evaluator (lib/iam/k8s-eval.ts) so each checks the other.
 * https://kubernetes.io/docs/reference/access-authn-authz/rbac/
 * - permissions are purely additive (no deny rules); nothing is allowed unless a rule allows it;
 * - a RoleBinding grants its role's rules only inside the binding's namespace (it may reference a Role in
 *   that namespace or a ClusterRole); a ClusterRoleBinding grants a ClusterRole in every namespace and on
 *   cluster-scoped resources;
 * - "*" in verbs, apiGroups or resources matches anything; a subresource is named "pods/log";
 * - resourceNames restricts a rule to requests that name one of those objects;
 * - subjects: User (by name), Group (by name), ServiceAccount (namespace + name, which authenticates as
 *   system:serviceaccount:<namespace>:<name>).
 */
export type Attributes = {
  user: string;
  groups: string[];
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
};

type Rule = { verbs?: string[]; apiGroups?: string[]; resources?: string[]; resourceNames?: string[] };
type Subject = { kind?: string; name?: string; namespace?: string };
type Binding = KObject & { roleRef?: { kind?: string; name?: string }; subjects?: Subject[] };

function subjectMatches(s: Subject, user: string, groups: string[]): boolean {
  if (s.kind === "User") return s.name === user;
  if (s.kind === "Group") return typeof s.name === "string" && groups.includes(s.name);
  if (s.kind === "ServiceAccount") return user === `system:serviceaccount:${s.namespace}:${s.name}`;
  return false;
}

function matchesOne(list: string[] | undefined, value: string): boolean {
  return (list ?? []).includes("*") || (list ?? []).includes(value);
}

function ruleCovers(rule: Rule, a: Attributes): boolean {
  if (!matchesOne(rule.verbs, a.verb)) return false;
  if (!matchesOne(rule.apiGroups, a.group)) return false;
  const wanted = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const resources = rule.resources ?? [];
  const resourceOk =
    resources.includes("*") ||
    resources.includes(wanted) ||
    (a.subresource !== undefined && resources.includes(`*/${a.subresource}`));
  if (!resourceOk) return false;
  if (rule.resourceNames && rule.resourceNames.length > 0)
    return a.name !== undefined && rule.resourceNames.includes(a.name);
  return true;
}

function rulesOf(state: FakeKubernetesState, binding: Binding): Rule[] {
  const ref = binding.roleRef;
  if (!ref?.name) return [];
  const role =
    ref.kind === "ClusterRole"
      ? state.get({ group: "rbac.authorization.k8s.io", resource: "clusterroles", namespace: null }, ref.name)
      : state.get(
          {
            group: "rbac.authorization.k8s.io",
            resource: "roles",
            namespace: binding.metadata.namespace ?? null,
          },
          ref.name,
        );
  return ((role?.rules as Rule[] | undefined) ?? []).filter(Boolean);
}

/** SubjectAccessReview's answer for these attributes. */
export function authorize(state: FakeKubernetesState, a: Attributes): { allowed: boolean; reason: string } {
  const cluster = state.list("rbac.authorization.k8s.io", "clusterrolebindings", null) as Binding[];
  for (const b of cluster) {
    if (!(b.subjects ?? []).some((s) => subjectMatches(s, a.user, a.groups))) continue;
    if (rulesOf(state, b).some((r) => ruleCovers(r, a)))
      return { allowed: true, reason: `RBAC: allowed by ClusterRoleBinding "${b.metadata.name}"` };
  }
  if (a.namespace) {
    const local = state.list("rbac.authorization.k8s.io", "rolebindings", a.namespace) as Binding[];
    for (const b of local) {
      if (!(b.subjects ?? []).some((s) => subjectMatches(s, a.user, a.groups))) continue;
      if (rulesOf(state, b).some((r) => ruleCovers(r, a)))
        return {
          allowed: true,
          reason: `RBAC: allowed by RoleBinding "${b.metadata.name}" of namespace "${a.namespace}"`,
        };
    }
  }
  return { allowed: false, reason: "" };
}
