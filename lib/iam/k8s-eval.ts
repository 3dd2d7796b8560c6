/**
 * Kubernetes RBAC evaluation from the documentation, not from Elevate's role builder:
 * https://kubernetes.io/docs/reference/access-authn-authz/rbac/ (rules are additive; a RoleBinding grants
 * only in its namespace; resourceNames limits to named objects; `*` matches any verb, group or resource) and
 * https://kubernetes.io/docs/reference/access-authn-authz/authorization/#review-your-request-attributes.
 * A grant also ends when its token does (TokenRequest `expirationSeconds`): RBAC bindings have no expiry.
 */

/** One PolicyRule (rbac.authorization.k8s.io/v1). */
export type RbacRule = {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
};

/** What one grant holds: its role's rules, where it is bound, and when its credential stops working. */
export type K8sGrant = {
  rules: RbacRule[];
  /** The RoleBinding's namespace; null for a ClusterRoleBinding (all namespaces and cluster resources). */
  bindingNamespace: string | null;
  /** The token's expiry (ServiceAccount mode) or the grant's end; null: no credential expiry. */
  notAfter: Date | null;
  /** Whether the binding still exists (Elevate removes it at expiry). */
  bound?: boolean;
};

/** The request attributes RBAC authorises (a resource request; non-resource URLs are not modelled). */
export type K8sRequest = {
  verb: string;
  apiGroup: string;
  resource: string;
  subresource?: string;
  /** Null for a cluster-scoped resource, or a request across all namespaces. */
  namespace: string | null;
  name?: string | null;
  time: Date;
};

export type K8sDecision = { decision: "allow" | "deny"; reason: string };

const has = (list: string[] | undefined, v: string) => (list ?? []).some((x) => x === "*" || x === v);

/** RBAC's resource match: `*`, the resource, `resource/subresource`, or `*\/subresource`. */
function resourceMatches(rule: RbacRule, resource: string, subresource: string | undefined): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  return (rule.resources ?? []).some(
    (r) => r === "*" || r === combined || (subresource !== undefined && r === `*/${subresource}`),
  );
}

/** Does one rule allow the request? (a rule with resourceNames never allows an unnamed request). */
export function ruleAllows(rule: RbacRule, req: Omit<K8sRequest, "time" | "namespace">): boolean {
  if (!has(rule.verbs, req.verb)) return false;
  if (!has(rule.apiGroups, req.apiGroup)) return false;
  if (!resourceMatches(rule, req.resource, req.subresource)) return false;
  const names = rule.resourceNames ?? [];
  if (names.length === 0) return true;
  return typeof req.name === "string" && req.name !== "" && names.includes(req.name);
}

/** May this grant do the request now? */
export function evaluateK8s(grant: K8sGrant, req: K8sRequest): K8sDecision {
  if (grant.bound === false) return { decision: "deny", reason: "the binding was removed" };
  if (grant.notAfter && req.time.getTime() >= grant.notAfter.getTime())
    return { decision: "deny", reason: "the token expired" };
  if (grant.bindingNamespace !== null && req.namespace !== grant.bindingNamespace)
    return {
      decision: "deny",
      reason:
        req.namespace === null
          ? "a RoleBinding grants nothing cluster-wide or across namespaces"
          : `the RoleBinding is in namespace ${grant.bindingNamespace}, not ${req.namespace}`,
    };
  const rule = grant.rules.find((r) => ruleAllows(r, req));
  return rule
    ? { decision: "allow", reason: "a rule of the bound role allows it" }
    : { decision: "deny", reason: "no rule of the bound role allows it (RBAC denies by default)" };
}
