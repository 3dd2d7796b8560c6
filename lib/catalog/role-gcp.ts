import { LimitExceeded, Validation } from "@/lib/errors";
import type { Catalog } from "./catalog";
import { GCP_RESOURCE, type ResourceKind } from "./role-scope";

export const GCP_MAX_PERMISSIONS = 3000;
const GCP_PROJECT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

/** Custom roles refuse NOT_SUPPORTED permissions; TESTING ones work but may change, so say so. */
export function checkGcpPermissions(
  catalog: Catalog | undefined,
  permissions: string[],
  notes: string[],
): void {
  if (permissions.length > GCP_MAX_PERMISSIONS) {
    throw LimitExceeded(
      `a GCP custom role holds at most ${GCP_MAX_PERMISSIONS} permissions; this one has ${permissions.length}`,
      "permissions",
    );
  }
  if (!catalog) return;
  const unsupported = permissions.filter((p) => catalog.get("gcp", p)?.customRoleSupport === "NOT_SUPPORTED");
  if (unsupported.length) {
    throw Validation(
      "permissions",
      `not supported in GCP custom roles: ${unsupported.slice(0, 10).join(", ")}`,
    );
  }
  const testing = permissions.filter((p) => catalog.get("gcp", p)?.customRoleSupport === "TESTING");
  if (testing.length) notes.push(`GCP supports these in custom roles only in testing: ${testing.join(", ")}`);
}

/**
 * The binding condition: expiry and resource constraint, built from typed values only (a Date, and a
 * resource and project already matched by strict patterns, so no quote can reach the CEL text).
 */
export function gcpCondition(
  project: string,
  resource: string | null,
  kind: ResourceKind | undefined,
  expiresAt: Date | undefined,
): { title: string; expression: string } | null {
  const parts: string[] = [];
  if (expiresAt) parts.push(`request.time < timestamp('${expiresAt.toISOString()}')`);
  if (resource !== null) {
    if (!GCP_PROJECT.test(project)) throw Validation("accountId", "not a GCP project id");
    if (kind) {
      const r = GCP_RESOURCE[kind];
      parts.push(`(resource.type != '${r.type}' || resource.name.${r.op}('${r.name(project, resource)}'))`);
    } else {
      parts.push(`resource.name.endsWith('/${resource}')`);
    }
  }
  return parts.length ? { title: "elevate", expression: parts.join(" && ") } : null;
}

/** Azure assignment scope: the subscription, or a resource group / resource path below it. */
export function azureScope(subscription: string, resource: string | null): string {
  const base = `/subscriptions/${subscription}`;
  if (resource === null) return base;
  if (resource.includes("/")) {
    if (!/^resourceGroups\/[^/]+(\/providers\/.+)?$/i.test(resource)) {
      throw Validation("resource", "an Azure scope below the subscription starts with resourceGroups/<name>");
    }
    return `${base}/${resource}`;
  }
  return `${base}/resourceGroups/${resource}`;
}

/** Operations split into actions and dataActions, as Azure role definitions require. */
export function azurePermissions(catalog: Catalog | undefined, permissions: string[]) {
  const actions: string[] = [];
  const dataActions: string[] = [];
  for (const p of permissions) (catalog?.get("azure", p)?.dataAction ? dataActions : actions).push(p);
  return [{ actions, notActions: [], dataActions, notDataActions: [] }];
}
