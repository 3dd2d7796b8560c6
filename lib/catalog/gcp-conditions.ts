import { Validation } from "@/lib/errors";
import type { ParsedResource } from "./resources";

type GcpResource = Extract<ParsedResource, { cloud: "gcp" }>;

/**
 * How IAM sees the resource a permission is checked on, per the resource attributes IAM Conditions support:
 * https://cloud.google.com/iam/docs/conditions-resource-attributes. `project` permissions are checked on the
 * project (lists, creates, project reads) and cannot be narrowed below it.
 */
type Check = { on: "resource"; clause: string } | { on: "project"; why: string };

export const GCP_PROJECT_TYPE = "cloudresourcemanager.googleapis.com/Project";
const PARENT_VERBS = new Set(["list", "create", "aggregatedList"]);
/** Lists of a child collection, checked on its parent: the permission on the parent that stands for them. */
const LISTED_ON: Record<string, string> = {
  "storage.objects.list": "storage.buckets.get",
  "cloudsql.databases.list": "cloudsql.instances.get",
  "secretmanager.versions.list": "secretmanager.secrets.get",
};

/** The resource type IAM checks each collection's permissions on (the page above). */
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

/** The resource type IAM checks a permission on: its collection's type, its parent's for lists, else the project. */
export function gcpCheckedOn(permission: string): string {
  const listed = LISTED_ON[permission];
  if (listed) return gcpCheckedOn(listed);
  const [service, collection, verb] = permission.split(".");
  if (PARENT_VERBS.has(verb ?? "")) return GCP_PROJECT_TYPE;
  return CHECKED_ON[`${service}.${collection}`] ?? GCP_PROJECT_TYPE;
}

/** CEL string literal of a value already matched by a strict pattern (no quote or backslash can occur). */
const lit = (s: string) => {
  if (/['"\\\n]/.test(s)) throw Validation("resource", "contains a character IAM conditions cannot quote");
  return `'${s}'`;
};
const typed = (type: string, test: string) => `(resource.type == ${lit(type)} && ${test})`;

/** Clauses per resource-type family; each names only the one resource (and what lives inside it). */
function clauseFor(permission: string, r: GcpResource, project: string): Check | null {
  const [service, collection, verb] = permission.split(".");
  if (PARENT_VERBS.has(verb ?? "")) {
    // A child collection is listed on its parent: objects on their bucket, databases on their instance,
    // secret versions on their secret. Everything else lists or creates on the project.
    const parent = LISTED_ON[permission];
    const onParent = parent ? clauseFor(parent, r, project) : null;
    if (onParent?.on === "resource") return onParent;
    return { on: "project", why: "checked on the project (it lists or creates)" };
  }
  const key = `${service}.${collection}`;
  switch (r.kind) {
    case "instance":
      if (key !== "compute.instances") break;
      return {
        on: "resource",
        clause: typed(
          CHECKED_ON["compute.instances"],
          `resource.name == ${lit(`projects/${project}/zones/${r.location}/instances/${r.name}`)}`,
        ),
      };
    case "bucket":
      if (key === "storage.buckets")
        return {
          on: "resource",
          clause: typed(
            CHECKED_ON["storage.buckets"],
            `resource.name == ${lit(`projects/_/buckets/${r.name}`)}`,
          ),
        };
      if (key === "storage.objects")
        return {
          on: "resource",
          clause: typed(
            CHECKED_ON["storage.objects"],
            `resource.name.startsWith(${lit(`projects/_/buckets/${r.name}/objects/`)})`,
          ),
        };
      break;
    case "database":
      if (key !== "cloudsql.instances" && key !== "cloudsql.databases") break;
      return {
        on: "resource",
        clause: typed(
          CHECKED_ON["cloudsql.instances"],
          `resource.name == ${lit(`projects/${project}/instances/${r.name}`)}`,
        ),
      };
    case "cluster":
      if (key !== "container.clusters") break;
      return {
        on: "resource",
        clause: typed(
          CHECKED_ON["container.clusters"],
          `resource.name == ${lit(`projects/${project}/locations/${r.location}/clusters/${r.name}`)}`,
        ),
      };
    case "secret":
      // Secret Manager names carry the project number, so match the exact trailing segments instead.
      if (key === "secretmanager.secrets")
        return {
          on: "resource",
          clause: typed(
            CHECKED_ON["secretmanager.secrets"],
            `resource.name.endsWith(${lit(`/secrets/${r.name}`)})`,
          ),
        };
      if (key === "secretmanager.versions")
        return {
          on: "resource",
          clause: typed(
            CHECKED_ON["secretmanager.versions"],
            `resource.name.extract('/secrets/{secret}/versions/') == ${lit(r.name)}`,
          ),
        };
      break;
  }
  if (`${service}.${collection}` === "compute.projects" || verb === undefined)
    return { on: "project", why: "checked on the project" };
  return null;
}

/** Services whose resources IAM Conditions cannot name: a resource-scoped grant would be a silent widening. */
const UNSUPPORTED: Record<string, string> = {
  // https://cloud.google.com/iam/docs/conditions-resource-attributes (no Cloud Functions attributes) and
  // https://cloud.google.com/iam/docs/resource-types-with-conditional-roles (Cloud Run, not Cloud Functions).
  cloudfunctions:
    "Cloud Functions resources are not among IAM Conditions' resource attributes, and a function's own allow policy (functions.setIamPolicy) does not accept conditional role bindings, so no binding on the function could carry the expiry; Cloud Run services do accept them, but cloudfunctions.* permissions are checked on the function, not on its Cloud Run service",
  logging: "Cloud Logging is checked on the project (or a log view, which Elevate does not name yet)",
  monitoring: "Cloud Monitoring is checked on the project",
  container: "GKE checks Kubernetes objects and cluster operations on the project, not the cluster",
};

export type GcpNarrowing = {
  /** The resource condition (without the expiry): an OR of clauses, each naming only this resource. */
  condition: string;
  /** Permissions that stay project-wide, and why. */
  wide: { permissions: string[]; why: string }[];
};

/**
 * The binding condition that narrows a role to one resource. Permissions checked on the project are allowed
 * through one Project clause (declared project-wide); permissions of services conditions cannot narrow are
 * refused, so nothing is granted wider than the preview says.
 */
export function gcpNarrowing(permissions: string[], r: GcpResource, project: string): GcpNarrowing {
  if (r.kind === "instance" || r.kind === "cluster") {
    if (!r.location) throw Validation("resource", `name the ${r.kind}'s location too, as location/name`);
  }
  const clauses = new Set<string>();
  const wide = new Map<string, string[]>();
  const refused: string[] = [];
  const widen = (why: string, p: string) => wide.set(why, [...(wide.get(why) ?? []), p]);
  for (const p of permissions) {
    const check = clauseFor(p, r, project);
    const service = p.split(".")[0];
    if (check?.on === "resource") clauses.add(check.clause);
    else if (check) widen(check.why, p);
    else if (service === "container" && !p.startsWith("container.clusters.")) widen(UNSUPPORTED.container, p);
    else
      refused.push(
        `${p} (${UNSUPPORTED[service] ?? "Elevate does not know which resource type it is checked on"})`,
      );
  }
  if (refused.length)
    throw Validation(
      "permissions",
      `GCP cannot narrow these to ${r.kind} ${r.name}: ${refused.join("; ")}. Ask for them without a resource (project-wide)`,
    );
  const all = [...clauses].sort();
  if (wide.size) all.push(`resource.type == ${lit(GCP_PROJECT_TYPE)}`);
  return {
    condition: all.join(" || "),
    wide: [...wide.entries()].map(([why, ps]) => ({ permissions: ps.sort(), why })),
  };
}

/** IAM's limit on a condition expression's length. https://cloud.google.com/iam/docs/conditions-overview#limitations */
export const GCP_CONDITION_MAX = 12_800;

/** IAM's quota on logic operators in one condition. https://cloud.google.com/iam/quotas#limits */
export const GCP_CONDITION_MAX_OPERATORS = 12;

/** Logic operators in an expression Elevate built (its literals never contain & or |). */
export const logicOperators = (expression: string) => (expression.match(/&&|\|\|/g) ?? []).length;

/** The binding's whole expression: the grant's expiry (typed Date) and the role's resource condition. */
export function gcpBindingExpression(notAfter: Date, resourceCondition: string | null | undefined): string {
  if (!Number.isFinite(notAfter.getTime())) throw Validation("expiresAt", "not a valid time");
  const time = `request.time < timestamp('${notAfter.toISOString()}')`;
  return resourceCondition ? `${time} && (${resourceCondition})` : time;
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
export function gcpClauseResources(condition: string, project: string): Map<string, string> {
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
