import { createHash } from "node:crypto";
import { Validation } from "@/lib/errors";
import {
  type OktaResource,
  type OktaSubjectType,
  orgWideResources,
  permissionSubject,
  resourcePath,
  scopeOf,
} from "./resources";

/** A permission as a requester may type it: Okta's dotted names, wildcards allowed (expanded from the catalog). */
export const OKTA_PERMISSION = /^okta\.[a-zA-Z*?]+(\.[a-zA-Z*?]+)+$/;

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
 * binding's scope. Every permission must act on a resource named (user permissions on the users of a
 * group, group permissions on a group, app permissions on an app); no resource means the whole org (wide).
 */
export function buildOktaRole(permissions: string[], named: OktaResource[] | null): OktaRole {
  for (const p of permissions)
    if (!permissionSubject(p))
      throw Validation(
        "permissions",
        `"${p}" is not a user, group or app permission: Elevate grants only those on Okta (docs/okta.md)`,
      );
  let resources: OktaResource[];
  let wide: OktaRole["wide"] = [];
  if (named === null) {
    resources = orgWideResources(permissions);
    wide = [{ permissions, why: "no resource was named: the resource set holds every user, group or app" }];
  } else {
    const misfit = permissions.filter((p) => !named.some((r) => subjectOf(r) === permissionSubject(p)));
    if (misfit.length)
      throw Validation(
        "permissions",
        `${misfit.join(", ")} do not act on ${named.map(resourcePath).join(", ")}`,
      );
    resources = named;
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

/** A group named in a request: its users for user permissions, the group itself for group permissions. */
export function oktaResourcesFor(
  permissions: string[],
  named: { kind: "group" | "app"; id: string },
): OktaResource[] {
  if (named.kind === "app") return [{ kind: "app", appId: named.id }];
  const kinds = new Set(permissions.map(permissionSubject));
  const out: OktaResource[] = [];
  if (kinds.has("user")) out.push({ kind: "group-users", groupId: named.id });
  if (kinds.has("group")) out.push({ kind: "group", groupId: named.id });
  return out.length ? out : [{ kind: "group-users", groupId: named.id }];
}

/** The kind of thing a resource-set resource holds. */
function subjectOf(r: OktaResource): OktaSubjectType {
  if (r.kind === "all-users" || r.kind === "group-users") return "user";
  if (r.kind === "all-groups" || r.kind === "group") return "group";
  return "app";
}
