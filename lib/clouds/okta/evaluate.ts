import { type OktaResource, type OktaSubjectType, permissionSubject } from "./resources";

/** What an admin action touches; a user comes with the groups it is a member of. */
export type OktaSubject =
  | { type: "user"; id: string; groups: string[] }
  | { type: "group"; id: string }
  | { type: "app"; id: string };

export type OktaEvaluation = { allowed: boolean; reason: string };

/** `okta.<family>.manage` includes every permission of its family (the permissions guide). */
export function roleIncludes(permissions: readonly string[], permission: string): boolean {
  if (permissions.includes(permission)) return true;
  const family = /^okta\.([a-zA-Z]+)\./.exec(permission)?.[1];
  return family !== undefined && permissions.includes(`okta.${family}.manage`);
}

function covers(r: OktaResource, subject: OktaSubject): boolean {
  switch (subject.type) {
    case "user":
      return r.kind === "all-users" || (r.kind === "group-users" && subject.groups.includes(r.groupId));
    case "group":
      return r.kind === "all-groups" || (r.kind === "group" && r.groupId === subject.id);
    case "app":
      return r.kind === "all-apps" || (r.kind === "app" && r.appId === subject.id);
  }
}

/**
 * Elevate's own reading of one custom-role assignment (permission × resource set), by Okta's documented
 * semantics: the role's permissions apply only to the resource set's resources; "users of group G" covers
 * G's members, the group resource covers the group itself, and a permission acts on its family's kind.
 * https://developer.okta.com/docs/concepts/role-assignment/#custom-roles
 */
export function evaluateOkta(
  assignment: { permissions: readonly string[]; resources: readonly OktaResource[] },
  permission: string,
  subject: OktaSubject,
): OktaEvaluation {
  const acts: OktaSubjectType | null = permissionSubject(permission);
  if (acts !== subject.type)
    return { allowed: false, reason: `${permission} does not act on a ${subject.type}` };
  if (!roleIncludes(assignment.permissions, permission))
    return { allowed: false, reason: `the role does not hold ${permission}` };
  if (!assignment.resources.some((r) => covers(r, subject)))
    return { allowed: false, reason: `the resource set does not cover ${subject.type} ${subject.id}` };
  return { allowed: true, reason: "the role holds the permission on a resource of the set" };
}
