/**
 * GCP side of the effective-access evidence: the role binding with its whole condition (expiry and resource
 * clauses), evaluated by lib/iam's CEL-based evaluator on a resource named from the matching clause.
 */
import type { RoleSpec } from "@/db/schema";
import { gcpBindingExpression } from "@/lib/catalog/gcp-conditions";
import { evaluateGcp, type GcpResource } from "@/lib/iam/gcp-eval";
import type { Probe } from "./effective-access-ids";
import { siblingOf } from "./effective-access-ids";

const PROJECT_TYPE = "cloudresourcemanager.googleapis.com/Project";

/**
 * The resource type IAM checks a permission on (https://cloud.google.com/iam/docs/conditions-resource-attributes).
 * Lists of a child collection are checked on its parent; other lists and creates on the project.
 */
const CHECKED_ON: Record<string, string> = {
  "compute.instances": "compute.googleapis.com/Instance",
  "storage.buckets": "storage.googleapis.com/Bucket",
  "storage.objects": "storage.googleapis.com/Object",
  "cloudsql.instances": "sqladmin.googleapis.com/Instance",
  "cloudsql.databases": "sqladmin.googleapis.com/Instance",
  "container.clusters": "container.googleapis.com/Cluster",
  "secretmanager.secrets": "secretmanager.googleapis.com/Secret",
  "secretmanager.versions": "secretmanager.googleapis.com/SecretVersion",
};
const LISTED_ON: Record<string, string> = {
  "storage.objects.list": "storage.googleapis.com/Bucket",
  "cloudsql.databases.list": "sqladmin.googleapis.com/Instance",
  "secretmanager.versions.list": "secretmanager.googleapis.com/Secret",
};
const PARENT_VERBS = new Set(["list", "create", "aggregatedList"]);

function checkedOn(permission: string): string {
  const [service, collection, verb] = permission.split(".");
  if (LISTED_ON[permission]) return LISTED_ON[permission];
  if (PARENT_VERBS.has(verb ?? "")) return PROJECT_TYPE;
  return CHECKED_ON[`${service}.${collection}`] ?? PROJECT_TYPE;
}

const CLAUSE = /^\(resource\.type == '([^']+)' && resource\.name(.+)\)$/;
const fill = (s: string) => (s.endsWith("/") ? `${s}example` : s);
/** The name tests Elevate writes, each with a name it accepts (the open part filled in). */
const TESTS: [RegExp, (m: string[], project: string) => string][] = [
  [/^ == '([^']+)'$/, (m) => m[1]],
  [/^\.startsWith\('([^']+)'\)$/, (m) => fill(m[1])],
  [/^\.endsWith\('([^']+)'\)$/, (m, project) => `projects/${project}${m[1]}`],
  [
    /^\.extract\('([^'{]*)\{\w+\}([^']*)'\) == '([^']+)'$/,
    (m, p) => fill(`projects/${p}${m[1]}${m[3]}${m[2]}`),
  ],
];

/**
 * A resource name each `(resource.type == T && resource.name …)` clause accepts, by type. Names the clause
 * leaves open (a prefix, a project part) are filled with "example" or the project id.
 */
function clauseResources(condition: string, project: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const clause of condition.split(" || ")) {
    const m = CLAUSE.exec(clause.trim());
    if (!m || out.has(m[1])) continue;
    for (const [re, name] of TESTS) {
      const t = re.exec(m[2]);
      if (t) {
        out.set(m[1], name(t, project));
        break;
      }
    }
  }
  return out;
}

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
  const named = condition ? clauseResources(condition, project) : new Map<string, string>();
  const projectResource: GcpResource = { type: PROJECT_TYPE, name: `projects/${project}` };
  const resourceName = spec.resource?.split("/").at(-1) ?? null;
  return (permission: string): Probe => {
    const type = checkedOn(permission);
    const name = type === PROJECT_TYPE ? undefined : named.get(type);
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
