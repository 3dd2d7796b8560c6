import { z } from "zod";
import { Validation } from "@/lib/errors";
import { gcpAccessLevel, serviceOf } from "../access-level";
import type { CatalogRole, CustomRoleSupport, RawEntry } from "../types";
import { checkShape, parseJson, parseJsonAs } from "./parse-json";

/** `service.resource.verb`; newer ones carry an API host: `iam.googleapis.com/workloadIdentityPools.list`. */
export const GCP_PERMISSION =
  /^[a-z][a-zA-Z0-9_-]*(\.[a-zA-Z0-9_-]+)*(\/[a-zA-Z0-9_-]+)?(\.[a-zA-Z0-9_-]+)+$/;
const Permission = z.string().regex(GCP_PERMISSION, "not a GCP permission name");

const Role = z.object({
  name: z
    .string()
    .regex(/^(roles|projects\/[^/]+\/roles|organizations\/[^/]+\/roles)\/[A-Za-z0-9_.]+$/, "not a role name"),
  title: z.string().optional(),
  description: z.string().optional(),
  stage: z.string().optional(),
  includedPermissions: z.array(Permission).optional(),
});
type Role = z.infer<typeof Role>;

const TestablePermission = z.object({
  name: Permission,
  title: z.string().optional(),
  description: z.string().optional(),
  stage: z.string().optional(),
  customRolesSupportLevel: z.enum(["SUPPORTED", "TESTING", "NOT_SUPPORTED"]).optional(),
  apiDisabled: z.boolean().optional(),
});

export type GcpImport = { entries: RawEntry[]; roles: CatalogRole[] };

const entry = (name: string, description = "", support?: CustomRoleSupport): RawEntry => ({
  cloud: "gcp",
  service: serviceOf("gcp", name),
  name,
  description,
  accessLevel: gcpAccessLevel(name),
  resourceTypes: [],
  conditionKeys: [],
  ...(support ? { customRoleSupport: support } : {}),
});

const toRole = (r: Role): CatalogRole => ({
  cloud: "gcp",
  name: r.name,
  title: r.title ?? r.name,
  description: r.description ?? "",
  stage: r.stage ?? null,
  permissions: [...new Set(r.includedPermissions ?? [])].sort(),
});

function fromRoles(roles: Role[]): GcpImport {
  const names = new Set<string>();
  for (const r of roles) for (const p of r.includedPermissions ?? []) names.add(p);
  return { roles: roles.map(toRole), entries: [...names].sort().map((n) => entry(n)) };
}

/** `gcloud iam roles list --format=json`: roles (permissions only when the export includes them). */
export function parseGcloudRolesList(content: string): GcpImport {
  return fromRoles(parseJsonAs(z.array(Role).min(1, "no roles"), content, "gcloud iam roles list"));
}

/** `gcloud iam roles describe --format=json`: one role, or an array of them, each with includedPermissions. */
export function parseGcloudRolesDescribe(content: string): GcpImport {
  // A few real roles have no includedPermissions (they grant nothing yet): an empty list, not an error.
  const what = "gcloud iam roles describe";
  const value = parseJson(content, what);
  const roles = Array.isArray(value)
    ? checkShape(z.array(Role).min(1, "no roles"), value, what)
    : [checkShape(Role, value, what)];
  return fromRoles(roles);
}

/** `gcloud iam list-testable-permissions --format=json` (an array) or the REST reply `{ permissions: [...] }`. */
export function parseTestablePermissions(content: string): GcpImport {
  const what = "testable permissions";
  const value = parseJson(content, what);
  const list = Array.isArray(value)
    ? checkShape(z.array(TestablePermission), value, what)
    : checkShape(z.object({ permissions: z.array(TestablePermission) }), value, what).permissions;
  if (list.length === 0) throw Validation("content", "testable permissions export lists no permissions");
  return {
    roles: [],
    entries: list.map((p) =>
      entry(p.name, p.description || p.title || "", p.customRolesSupportLevel ?? "SUPPORTED"),
    ),
  };
}
