import type { FakeReply, FakeRequest } from "@/lib/clouds/fakes/gcp/fake-http";
import { invalid, notFound, oktaError } from "./errors";
import { page } from "./listing";
import { ornOf, parseFakeResource } from "./resources";
import { type FakeOktaState, type FakeResourceSet, type FakeRole, oktaId } from "./state";

// https://developer.okta.com/docs/api/openapi/okta-management/management/tag/RoleECustom/
// https://developer.okta.com/docs/api/openapi/okta-management/management/tag/RoleDResourceSet/
const PERMISSION = /^okta\.[a-zA-Z]+(\.[a-zA-Z]+)*$/;
const LABEL_MAX = 255;
const RESOURCES_MAX = 1000;

type Body = Record<string, unknown>;
const str = (v: unknown) => (typeof v === "string" ? v : undefined);

function roleJson(base: string, r: FakeRole) {
  return {
    id: r.id,
    label: r.label,
    description: r.description,
    created: r.created,
    lastUpdated: r.created,
    _links: {
      self: { href: `${base}/api/v1/iam/roles/${r.id}` },
      permissions: { href: `${base}/api/v1/iam/roles/${r.id}/permissions` },
    },
  };
}

function setJson(base: string, s: FakeResourceSet) {
  return {
    id: s.id,
    label: s.label,
    description: s.description,
    created: s.created,
    lastUpdated: s.created,
    _links: {
      self: { href: `${base}/api/v1/iam/resource-sets/${s.id}` },
      resources: { href: `${base}/api/v1/iam/resource-sets/${s.id}/resources` },
      bindings: { href: `${base}/api/v1/iam/resource-sets/${s.id}/bindings` },
    },
  };
}

function checkLabel(body: Body, taken: (label: string) => boolean) {
  const label = str(body.label);
  if (!label || label.length > LABEL_MAX) return invalid("label", "The field cannot be left blank");
  if (str(body.description) === undefined) return invalid("description", "The field cannot be left blank");
  if (taken(label)) return invalid("label", `The label ${label} is already in use`);
  return null;
}

export function handleRoles(state: FakeOktaState, req: FakeRequest, rest: string): FakeReply {
  const base = state.baseUrl;
  const body = (req.body ?? {}) as Body;
  if (rest === "" && req.method === "GET") {
    const all = [...state.roles.values()];
    const p = page(all, req.query.get("after"), state.pageSize);
    return {
      status: 200,
      body: {
        roles: p.items.map((r) => roleJson(base, r)),
        _links: p.next ? { next: { href: `${base}/api/v1/iam/roles?after=${p.next}` } } : {},
      },
    };
  }
  if (rest === "" && req.method === "POST") {
    const bad = checkLabel(body, (l) => state.roleByIdOrLabel(l) !== undefined);
    if (bad) return bad;
    const permissions = body.permissions;
    if (!Array.isArray(permissions) || permissions.length === 0)
      return invalid("permissions", "The field cannot be left blank");
    for (const p of permissions)
      if (typeof p !== "string" || !PERMISSION.test(p))
        return invalid("permissions", `Invalid permission: ${String(p).slice(0, 80)}`);
    const role: FakeRole = {
      id: oktaId("cr0"),
      label: str(body.label)!,
      description: str(body.description)!,
      permissions: [...new Set(permissions as string[])],
      created: new Date().toISOString(),
    };
    state.roles.set(role.id, role);
    return { status: 200, body: roleJson(base, role) };
  }
  const m = /^\/([^/]+)(\/permissions)?$/.exec(rest);
  const role = m ? state.roleByIdOrLabel(m[1]) : undefined;
  if (!m || !role) return notFound("Role", m?.[1] ?? rest);
  if (m[2] && req.method === "GET")
    return {
      status: 200,
      body: {
        permissions: role.permissions.map((label) => ({
          label,
          created: role.created,
          lastUpdated: role.created,
        })),
      },
    };
  if (req.method === "GET") return { status: 200, body: roleJson(base, role) };
  if (req.method === "DELETE") {
    state.roles.delete(role.id);
    return { status: 204 };
  }
  return oktaError(405, "E0000022", "The endpoint does not support the provided HTTP method");
}

export function handleResourceSets(state: FakeOktaState, req: FakeRequest, rest: string): FakeReply {
  const base = state.baseUrl;
  const body = (req.body ?? {}) as Body;
  if (rest === "" && req.method === "GET") {
    const p = page([...state.resourceSets.values()], req.query.get("after"), state.pageSize);
    return {
      status: 200,
      body: {
        "resource-sets": p.items.map((s) => setJson(base, s)),
        _links: p.next ? { next: { href: `${base}/api/v1/iam/resource-sets?after=${p.next}` } } : {},
      },
    };
  }
  if (rest === "" && req.method === "POST") {
    const bad = checkLabel(body, (l) => state.resourceSetByIdOrLabel(l) !== undefined);
    if (bad) return bad;
    const resources = body.resources;
    if (!Array.isArray(resources) || resources.length === 0 || resources.length > RESOURCES_MAX)
      return invalid("resources", `between 1 and ${RESOURCES_MAX} resources are required`);
    const parsed: FakeResourceSet["resources"] = [];
    for (const text of resources) {
      const r = typeof text === "string" ? parseFakeResource(text, state.orgId) : null;
      if (!r) return invalid("resources", `Invalid resource: ${String(text).slice(0, 200)}`);
      const missing =
        ((r.kind === "group" || r.kind === "group-users") && !state.groups.has(r.groupId)) ||
        (r.kind === "app" && !state.apps.has(r.appId));
      if (missing) return invalid("resources", `Resource not found: ${text}`);
      parsed.push({ id: oktaId("ire"), text, parsed: r });
    }
    const set: FakeResourceSet = {
      id: oktaId("iam"),
      label: str(body.label)!,
      description: str(body.description)!,
      resources: parsed,
      created: new Date().toISOString(),
    };
    state.resourceSets.set(set.id, set);
    return { status: 200, body: setJson(base, set) };
  }
  const m = /^\/([^/]+)(\/resources)?$/.exec(rest);
  const set = m ? state.resourceSetByIdOrLabel(m[1]) : undefined;
  if (!m || !set) return notFound("ResourceSet", m?.[1] ?? rest);
  if (m[2] && req.method === "GET") {
    const p = page(set.resources, req.query.get("after"), state.pageSize);
    const self = `${base}/api/v1/iam/resource-sets/${set.id}/resources`;
    return {
      status: 200,
      body: {
        resources: p.items.map((r) => ({
          id: r.id,
          orn: ornOf(r.parsed, state.orgId),
          created: set.created,
          lastUpdated: set.created,
          _links: { self: { href: r.text.startsWith("orn:") ? `${self}/${r.id}` : r.text } },
        })),
        _links: p.next ? { next: { href: `${self}?after=${p.next}` } } : {},
      },
    };
  }
  if (req.method === "GET") return { status: 200, body: setJson(base, set) };
  if (req.method === "PUT") {
    // Replaces the label and description; the resources are edited through /resources.
    const bad = checkLabel(body, (l) => l !== set.label && state.resourceSetByIdOrLabel(l) !== undefined);
    if (bad) return bad;
    set.label = str(body.label)!;
    set.description = str(body.description)!;
    return { status: 200, body: setJson(base, set) };
  }
  if (req.method === "DELETE") {
    state.resourceSets.delete(set.id);
    return { status: 204 };
  }
  return oktaError(405, "E0000022", "The endpoint does not support the provided HTTP method");
}
