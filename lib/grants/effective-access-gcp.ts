/**
 * GCP side of the effective-access evidence: the role binding with its whole condition (expiry and resource
 * clauses), evaluated by lib/iam's CEL-based evaluator on a resource named from the matching clause.
 */
import type { RoleSpec } from "@/db/schema";
import {
  GCP_PROJECT_TYPE,
  gcpBindingExpression,
  gcpCheckedOn,
  gcpClauseResources,
} from "@/lib/catalog/gcp-conditions";
import { evaluateGcp, type GcpResource } from "@/lib/iam/gcp-eval";
import type { Probe } from "./effective-access-ids";
import { siblingOf } from "./effective-access-ids";

/**
 * GCP: one binding of the role with the grant's whole condition. A permission is evaluated on the resource
 * its type's clause names, else on the project (where project-wide permissions are checked).
 */
export function gcpPlanner(spec: RoleSpec, notAfter: Date) {
  const doc = spec.document as { includedPermissions?: string[]; scope?: string };
  const project = /^projects\/(.+)$/.exec(doc.scope ?? "")?.[1] ?? "project";
  const condition = spec.binding?.resourceCondition;
  const binding = {
    role: { includedPermissions: doc.includedPermissions ?? spec.permissions },
    condition: { title: "elevate", expression: gcpBindingExpression(notAfter, condition) },
  };
  const named = condition ? gcpClauseResources(condition, project) : new Map<string, string>();
  const projectResource: GcpResource = { type: GCP_PROJECT_TYPE, name: `projects/${project}` };
  const resourceName = spec.resource?.split("/").at(-1) ?? null;
  return (permission: string): Probe => {
    const type = gcpCheckedOn(permission);
    const name = type === GCP_PROJECT_TYPE ? undefined : named.get(type);
    const resource = name ? { type, name } : projectResource;
    const sibling = name && resourceName ? siblingOf(name, resourceName) : null;
    return {
      on: resource.name,
      sibling,
      ask: (id, time) =>
        evaluateGcp([binding], { permission, resource: { ...resource, name: id }, time }).decision,
    };
  };
}
