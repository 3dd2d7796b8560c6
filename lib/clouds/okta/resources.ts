/**
 * What an Okta resource set may name, as REST paths relative to the org URL: the documented REST URL form
 * of resource-set resources (https://developer.okta.com/docs/api/openapi/okta-management/guides/roles/#supported-resources).
 * A requester names one as `groups/<id>/users` (the users in a group), `groups/<id>` (the group itself) or
 * `apps/<id>`; `users`, `groups` and `apps` alone are the whole org. Ids are Okta's: letters and digits.
 */
export type OktaResource =
  | { kind: "all-users" }
  | { kind: "group-users"; groupId: string }
  | { kind: "all-groups" }
  | { kind: "group"; groupId: string }
  | { kind: "all-apps" }
  | { kind: "app"; appId: string };

const ID = /^[A-Za-z0-9]{1,40}$/;

/** `groups/00g1/users` → the users of group 00g1; null when it is not one of the supported forms. */
export function parseOktaResource(text: string): OktaResource | null {
  const parts = text
    .trim()
    .replace(/^\/?(api\/v1\/)?/, "")
    .split("/");
  const [head, id, tail] = parts;
  if (parts.length === 1) {
    if (head === "users") return { kind: "all-users" };
    if (head === "groups") return { kind: "all-groups" };
    if (head === "apps") return { kind: "all-apps" };
    return null;
  }
  if (!ID.test(id ?? "")) return null;
  if (head === "groups" && parts.length === 3 && tail === "users")
    return { kind: "group-users", groupId: id };
  if (head === "groups" && parts.length === 2) return { kind: "group", groupId: id };
  if (head === "apps" && parts.length === 2) return { kind: "app", appId: id };
  return null;
}

/** The REST path a resource set holds (prefixed with the org URL on the wire). */
export function resourcePath(r: OktaResource): string {
  switch (r.kind) {
    case "all-users":
      return "/api/v1/users";
    case "group-users":
      return `/api/v1/groups/${r.groupId}/users`;
    case "all-groups":
      return "/api/v1/groups";
    case "group":
      return `/api/v1/groups/${r.groupId}`;
    case "all-apps":
      return "/api/v1/apps";
    case "app":
      return `/api/v1/apps/${r.appId}`;
  }
}

/** The permission families (`okta.<family>.…`) and the kind of thing each acts on. */
export type OktaSubjectType = "user" | "group" | "app";
const FAMILIES: Record<string, OktaSubjectType> = { users: "user", groups: "group", apps: "app" };

export function permissionSubject(permission: string): OktaSubjectType | null {
  const family = /^okta\.([a-zA-Z]+)\./.exec(permission)?.[1];
  return family ? (FAMILIES[family] ?? null) : null;
}

/** The org-wide resource for each family a permission set touches: what "no resource" means. */
export function orgWideResources(permissions: string[]): OktaResource[] {
  const kinds = new Set(permissions.map(permissionSubject));
  const out: OktaResource[] = [];
  if (kinds.has("user")) out.push({ kind: "all-users" });
  if (kinds.has("group")) out.push({ kind: "all-groups" });
  if (kinds.has("app")) out.push({ kind: "all-apps" });
  return out;
}

/** The binding's `scope`: resource paths joined by single spaces (a URL path holds none). */
export const scopeOf = (rs: OktaResource[]) => rs.map(resourcePath).join(" ");

/** Back from a stored scope; every path is checked again, so a tampered row cannot name anything else. */
export function resourcesOfScope(scope: string | undefined): OktaResource[] | null {
  if (!scope) return null;
  const out: OktaResource[] = [];
  for (const p of scope.split(" ")) {
    const r = parseOktaResource(p);
    if (!r || resourcePath(r) !== p) return null;
    out.push(r);
  }
  return out.length > 0 ? out : null;
}

/** A resource as Okta lists it back (its ORN), or null for a kind Elevate never writes. */
export function resourceOfOrn(orn: string | undefined): OktaResource | null {
  const p = (orn ?? "").split(":");
  if (p[0] !== "orn" || p[1] !== "okta") return null;
  const [, , space, , kind, id, extra] = p;
  if (space === "directory" && kind === "users" && p.length === 5) return { kind: "all-users" };
  if (space === "directory" && kind === "groups" && p.length === 5) return { kind: "all-groups" };
  if (space === "directory" && kind === "groups" && p.length === 6 && ID.test(id))
    return { kind: "group", groupId: id };
  if (
    space === "directory" &&
    kind === "groups" &&
    p.length === 7 &&
    extra === "contained_resources" &&
    ID.test(id)
  )
    return { kind: "group-users", groupId: id };
  if (space === "idp" && kind === "apps" && p.length === 5) return { kind: "all-apps" };
  if (space === "idp" && kind === "apps" && p.length === 7 && ID.test(extra))
    return { kind: "app", appId: extra };
  return null;
}
