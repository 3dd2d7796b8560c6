import type { FakeReply, FakeRequest } from "@/lib/clouds/fakes/gcp/fake-http";
import { invalid, notFound, oktaError } from "./errors";
import { page } from "./listing";
import { type FakeAssignment, type FakeOktaState, type FakeUser, oktaId } from "./state";

// https://developer.okta.com/docs/api/openapi/okta-management/management/tag/RoleAssignmentAUser/
// https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/#tag/User/operation/getUser

function userJson(base: string, u: FakeUser) {
  return {
    id: u.id,
    status: u.status,
    profile: { login: u.login, email: u.login },
    _links: { self: { href: `${base}/api/v1/users/${u.id}` } },
  };
}

function assignmentJson(state: FakeOktaState, a: FakeAssignment) {
  const base = state.baseUrl;
  return {
    id: a.id,
    label: state.roles.get(a.roleId)?.label ?? a.roleId,
    type: "CUSTOM",
    status: "ACTIVE",
    created: a.created,
    lastUpdated: a.created,
    assignmentType: "USER",
    "resource-set": a.resourceSetId,
    role: a.roleId,
    _links: {
      assignee: { href: `${base}/api/v1/users/${a.userId}` },
      "resource-set": { href: `${base}/api/v1/iam/resource-sets/${a.resourceSetId}` },
      role: { href: `${base}/api/v1/iam/roles/${a.roleId}` },
    },
  };
}

export function handleUsers(state: FakeOktaState, req: FakeRequest, path: string): FakeReply {
  const m = /^\/api\/v1\/users\/([^/]+)(?:\/roles(?:\/([^/]+))?)?$/.exec(path);
  const user = m ? state.userByIdOrLogin(m[1]) : undefined;
  if (!m || !user) return notFound("User", m?.[1] ?? path);
  const isRoles = path.includes("/roles");
  if (!isRoles && req.method === "GET") return { status: 200, body: userJson(state.baseUrl, user) };
  if (isRoles && !m[2] && req.method === "GET") {
    const mine = [...state.assignments.values()].filter((a) => a.userId === user.id);
    const p = page(mine, req.query.get("after"), state.pageSize);
    const next = `${state.baseUrl}/api/v1/users/${user.id}/roles?after=${p.next}`;
    return {
      status: 200,
      body: p.items.map((a) => assignmentJson(state, a)),
      headers: p.next ? { link: `<${next}>; rel="next"` } : {},
    };
  }
  if (isRoles && !m[2] && req.method === "POST") return assign(state, user, req.body);
  const found = m[2] ? state.assignments.get(m[2]) : undefined;
  if (!found || found.userId !== user.id) return notFound("Role", m[2] ?? "");
  if (req.method === "GET") return { status: 200, body: assignmentJson(state, found) };
  if (req.method === "DELETE") {
    state.assignments.delete(found.id);
    return { status: 204 };
  }
  return oktaError(405, "E0000022", "The endpoint does not support the provided HTTP method");
}

function assign(state: FakeOktaState, user: FakeUser, raw: unknown): FakeReply {
  const body = (raw ?? {}) as Record<string, unknown>;
  if (body.type !== "CUSTOM") return invalid("type", "only CUSTOM role assignments are served by this fake");
  const role = typeof body.role === "string" ? state.roleByIdOrLabel(body.role) : undefined;
  if (!role) return invalid("role", `Role not found: ${String(body.role)}`);
  const rsKey = body["resource-set"];
  const set = typeof rsKey === "string" ? state.resourceSetByIdOrLabel(rsKey) : undefined;
  if (!set) return invalid("resource-set", `Resource set not found: ${String(rsKey)}`);
  const duplicate = [...state.assignments.values()].some(
    (a) => a.userId === user.id && a.roleId === role.id && a.resourceSetId === set.id,
  );
  if (duplicate) return oktaError(409, "E0000090", "Duplicate role assignment exception");
  const a: FakeAssignment = {
    id: oktaId("irb"),
    userId: user.id,
    roleId: role.id,
    resourceSetId: set.id,
    created: new Date().toISOString(),
  };
  state.assignments.set(a.id, a);
  return { status: 201, body: assignmentJson(state, a) };
}
