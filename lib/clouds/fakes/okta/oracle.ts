import type { FakeOktaState } from "./state";

/** What an admin action touches: a user, a group or an app of the org. */
export type FakeSubject = { type: "user" | "group" | "app"; id: string };

// The families of custom-role permissions and the resource kind each acts on; `okta.<family>.manage`
// includes every permission of its family.
// https://developer.okta.com/docs/api/openapi/okta-management/guides/permissions/
const FAMILY: Record<string, FakeSubject["type"]> = { users: "user", groups: "group", apps: "app" };

function roleGrants(permissions: string[], permission: string): boolean {
  if (permissions.includes(permission)) return true;
  const family = /^okta\.([a-zA-Z]+)\./.exec(permission)?.[1];
  return family !== undefined && permissions.includes(`okta.${family}.manage`);
}

/**
 * The fake org's own answer to "may user U perform permission P on R now", over what it stores: U's
 * custom-role assignments, each granting its role's permissions only on the resources of its resource set
 * (users of a group cover that group's current members; the group itself covers group permissions).
 * https://developer.okta.com/docs/concepts/role-assignment/#custom-roles
 */
export function mayPerform(
  state: FakeOktaState,
  userIdOrLogin: string,
  permission: string,
  subject: FakeSubject,
): boolean {
  const user = state.userByIdOrLogin(userIdOrLogin);
  if (!user) return false;
  const family = /^okta\.([a-zA-Z]+)\./.exec(permission)?.[1];
  if (!family || FAMILY[family] !== subject.type) return false;
  for (const a of state.assignments.values()) {
    if (a.userId !== user.id) continue;
    const role = state.roles.get(a.roleId);
    const set = state.resourceSets.get(a.resourceSetId);
    if (!role || !set || !roleGrants(role.permissions, permission)) continue;
    for (const { parsed: r } of set.resources) {
      if (subject.type === "user") {
        if (r.kind === "all-users" && state.users.has(subject.id)) return true;
        if (r.kind === "group-users" && state.groups.get(r.groupId)?.members.has(subject.id)) return true;
      }
      if (subject.type === "group") {
        if (r.kind === "all-groups" && state.groups.has(subject.id)) return true;
        if (r.kind === "group" && r.groupId === subject.id) return true;
      }
      if (subject.type === "app") {
        if (r.kind === "all-apps" && state.apps.has(subject.id)) return true;
        if (r.kind === "app" && r.appId === subject.id) return true;
      }
    }
  }
  return false;
}
