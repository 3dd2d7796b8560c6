import type { AccessLevel } from "./types";

/**
 * Elevate names one Kubernetes RBAC permission `<group>/<resource>[/<subresource>]:<verb>`, with `core` for
 * the core ("") API group: `core/pods/log:get`, `apps/deployments:patch`. One name is one (apiGroup,
 * resource, verb) triple of an RBAC rule. https://kubernetes.io/docs/reference/access-authn-authz/rbac/
 */
export const K8S_PERMISSION = /^([a-z0-9*?][a-z0-9.*?-]*)\/([a-z0-9*?]+)(\/[a-z0-9*?]+)?:([a-z*?]+)$/;

export type K8sPermission = { apiGroup: string; resource: string; verb: string };

/** `core/pods/log:get` → { apiGroup: "", resource: "pods/log", verb: "get" }; undefined if malformed. */
export function parseK8sPermission(name: string): K8sPermission | undefined {
  const m = K8S_PERMISSION.exec(name);
  if (!m) return undefined;
  return { apiGroup: m[1] === "core" ? "" : m[1], resource: `${m[2]}${m[3] ?? ""}`, verb: m[4] };
}

export function k8sPermissionName(apiGroup: string, resource: string, verb: string): string {
  return `${apiGroup === "" ? "core" : apiGroup}/${resource}:${verb}`;
}

/** The RBAC verbs that change who may do what (https://kubernetes.io/docs/concepts/security/rbac-good-practices/). */
const PERMISSION_VERBS = new Set(["escalate", "bind", "impersonate"]);

/** get: read; list and watch: list; escalate, bind, impersonate: permissions; anything else writes. */
export function kubernetesAccessLevel(name: string): AccessLevel {
  const verb = parseK8sPermission(name)?.verb ?? "";
  if (PERMISSION_VERBS.has(verb)) return "permissions";
  if (verb === "get") return "read";
  if (verb === "list" || verb === "watch") return "list";
  return "write";
}
