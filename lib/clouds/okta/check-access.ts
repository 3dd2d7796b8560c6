import type { Client } from "@okta/okta-sdk-nodejs";
import type { RoleSpec } from "@/db/schema";
import type { BindingSpec, CloudAccessCheck, CloudAccessEvidence } from "@/lib/clouds/port";
import { evaluateOkta, type OktaSubject } from "./evaluate";
import { parseGrantSet } from "./grant-set";
import {
  type OktaResource,
  orgWideResources,
  permissionSubject,
  resourceOfOrn,
  resourcePath,
  resourcesOfScope,
} from "./resources";
import { allPages, nextHref, orNull, userAssignments } from "./wire";

const MAX_CHECKS = 10;

/** The subject a resource stands for: "a member of G" for the users of group G. */
function subjectFor(r: OktaResource): OktaSubject {
  switch (r.kind) {
    case "group-users":
      return { type: "user", id: `member-of-${r.groupId}`, groups: [r.groupId] };
    case "all-users":
      return { type: "user", id: "any-user", groups: [] };
    case "group":
      return { type: "group", id: r.groupId };
    case "all-groups":
      return { type: "group", id: "any-group" };
    case "app":
      return { type: "app", id: r.appId };
    case "all-apps":
      return { type: "app", id: "any-app" };
  }
}

/**
 * Okta has no "may this admin do P on R" call: read back what Okta holds for the grant (the user's
 * assignment, the role's permissions, the resource set's resources, as listed by Okta) and evaluate it.
 */
export async function checkOktaAccess(
  c: Client,
  b: BindingSpec & { bindingId: string },
  spec: RoleSpec,
): Promise<Omit<CloudAccessEvidence, "requestIds">> {
  const set = await orNull(c.resourceSetApi.getResourceSet({ resourceSetId: b.bindingId }));
  const recorded = parseGrantSet(set?.description);
  const assigned =
    set && recorded
      ? (await userAssignments(c, recorded.userId)).find((a) => a.resourceSet === set.id)
      : undefined;
  const permissions = assigned
    ? (
        (await c.customRoleApi.listRolePermissions({ roleIdOrLabel: assigned.role ?? b.roleName }))
          .permissions ?? []
      ).map((p) => p.label ?? "")
    : [];
  const held = assigned
    ? (
        await allPages(async (after) => {
          const p = await c.resourceSetApi.listResourceSetResources({ resourceSetId: set!.id!, after });
          return { items: p.resources ?? [], next: nextHref(p._links) };
        })
      ).flatMap((r) => resourceOfOrn(r.orn) ?? [])
    : [];
  const asked = resourcesOfScope(b.scope) ?? orgWideResources(spec.permissions);
  const checks: CloudAccessCheck[] = spec.permissions.slice(0, MAX_CHECKS).map((permission) => {
    const on = asked.find((r) => subjectFor(r).type === permissionSubject(permission)) ?? asked[0];
    const answer = on
      ? evaluateOkta({ permissions, resources: held }, permission, subjectFor(on))
      : { allowed: false, reason: "no resource" };
    return {
      permission,
      resource: on ? resourcePath(on) : "*",
      allowed: assigned !== undefined && answer.allowed,
      decision: assigned ? answer.reason : "no role assignment for this grant",
    };
  });
  return {
    checker: "okta:role-assignments+resource-set",
    principal: recorded?.userId ?? b.principal,
    evaluatedAt: new Date().toISOString(),
    permissions: spec.permissions.length,
    checks,
  };
}
