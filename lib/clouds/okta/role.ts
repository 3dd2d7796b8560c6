import { createHash } from "node:crypto";
import { Validation } from "@/lib/errors";
import {
  type OktaResource,
  orgWideResources,
  parseOktaResource,
  permissionSubject,
  resourcePath,
  scopeOf,
} from "./resources";

export const OKTA_PERMISSION = /^okta\.[a-zA-Z]+(\.[a-zA-Z]+)+$/;

export type OktaRole = {
  hash: string;
  roleName: string;
  document: { label: string; description: string; permissions: string[]; resources: string[] };
  binding: { scope: string };
  wide: { permissions: string[]; why: string }[];
};

export const OKTA_ROLE_DESCRIPTION = "Managed by Elevate: content-addressed just-in-time role; do not edit";

/**
 * The Okta half of the role builder: a custom role named by its permissions only (an org holds at most
 * 100 custom roles, so grants on different groups share one), and the resource set's resources as the
 * binding's scope. Permissions must act on the resource named (user permissions on the users of a group,
 * group permissions on a group, app permissions on an app); no resource means the whole org, shown as wide.
 */
export function buildOktaRole(permissions: string[], resource: string | null): OktaRole {
  for (const p of permissions)
    if (!permissionSubject(p))
      throw Validation(
        "permissions",
        `"${p}" is not a user, group or app permission: Elevate grants only those on Okta (docs/okta.md)`,
      );
  let resources: OktaResource[];
  let wide: OktaRole["wide"] = [];
  if (resource === null) {
    resources = orgWideResources(permissions);
    wide = [{ permissions, why: "no resource was named: the resource set holds every user, group or app" }];
  } else {
    const r = parseOktaResource(resource);
    if (!r)
      throw Validation(
        "resource",
        "name an Okta resource as groups/<group id>/users, groups/<group id> or apps/<app id>",
      );
    const acts =
      r.kind === "group-users" || r.kind === "all-users"
        ? "user"
        : r.kind.includes("group")
          ? "group"
          : "app";
    const misfit = permissions.filter((p) => permissionSubject(p) !== acts);
    if (misfit.length)
      throw Validation(
        "permissions",
        `${misfit.join(", ")} do not act on ${resourcePath(r)} (a ${acts} resource)`,
      );
    resources = [r];
  }
  const hash = createHash("sha256")
    .update(JSON.stringify({ cloud: "okta", permissions: [...new Set(permissions)].sort() }))
    .digest("hex")
    .slice(0, 20);
  const roleName = `elevate_${hash}`;
  return {
    hash,
    roleName,
    document: {
      label: roleName,
      description: OKTA_ROLE_DESCRIPTION,
      permissions,
      resources: resources.map(resourcePath),
    },
    binding: { scope: scopeOf(resources) },
    wide,
  };
}
