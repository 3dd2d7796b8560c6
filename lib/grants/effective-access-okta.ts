import type { RoleSpec } from "@/db/schema";
import { evaluateOkta, type OktaSubject } from "@/lib/clouds/okta/evaluate";
import {
  type OktaResource,
  parseOktaResource,
  permissionSubject,
  resourcePath,
  resourcesOfScope,
} from "@/lib/clouds/okta/resources";
import type { Probe } from "./effective-access-ids";

/** What a resource path stands for when asked about: "a member of G" for the users of group G. */
function subjectAt(path: string): OktaSubject | null {
  const r = parseOktaResource(path);
  if (!r) return null;
  if (r.kind === "group-users") return { type: "user", id: `member-of-${r.groupId}`, groups: [r.groupId] };
  if (r.kind === "all-users") return { type: "user", id: "any-user", groups: [] };
  if (r.kind === "group") return { type: "group", id: r.groupId };
  if (r.kind === "all-groups") return { type: "group", id: "any-group" };
  if (r.kind === "app") return { type: "app", id: r.appId };
  return { type: "app", id: "any-app" };
}

function siblingPath(r: OktaResource): string | null {
  if (r.kind === "group-users") return resourcePath({ ...r, groupId: `${r.groupId}sibling` });
  if (r.kind === "group") return resourcePath({ ...r, groupId: `${r.groupId}sibling` });
  if (r.kind === "app") return resourcePath({ ...r, appId: `${r.appId}sibling` });
  return null;
}

/**
 * Okta: the custom role's permissions on the grant's resource set (evaluateOkta), asked on the resource
 * named and on a sibling group or app. Okta keeps no expiry, so at `notAfter` the answer is Okta's as it
 * stands (allow until Elevate removes the assignment): the expiry is Elevate's to enforce (docs/okta.md).
 */
export function oktaPlanner(spec: RoleSpec, _notAfter: Date) {
  const doc = spec.document as { permissions?: string[] };
  const resources = resourcesOfScope(spec.binding?.scope) ?? [];
  const grant = { permissions: doc.permissions ?? spec.permissions, resources };
  return (permission: string): Probe => {
    const on = resources.find((r) => subjectAt(resourcePath(r))?.type === permissionSubject(permission));
    const path = on ? resourcePath(on) : "*";
    return {
      on: path,
      sibling: on ? siblingPath(on) : null,
      ask: (id) => {
        const subject = subjectAt(id);
        return subject && evaluateOkta(grant, permission, subject).allowed ? "allow" : "deny";
      },
    };
  };
}
