import { gcpError } from "./errors";
import type { FakeReply, FakeRequest } from "./fake-http";
import { refuseRoleCreate } from "./role-rules";
import type { FakeGcpState, FakeRole } from "./state";

type RoleInput = { roleId?: string; role?: Partial<FakeRole> };

let etagSeq = 0;
const nextEtag = () => Buffer.from(`role-${++etagSeq}`).toString("base64");
const ok = (body: unknown): FakeReply => ({ status: 200, body });

/** IAM v1 `projects.roles`: create, get, list, delete (soft), undelete. */
export function handleRoles(
  state: FakeGcpState,
  req: FakeRequest,
  projectId: string,
  rest: string,
): FakeReply {
  const project = state.project(projectId);
  const parent = `projects/${projectId}`;

  if (rest === "" && req.method === "POST") {
    const { roleId = "", role = {} } = (req.body ?? {}) as RoleInput;
    const refused = refuseRoleCreate(state, project, parent, roleId, role);
    if (refused) return refused;
    const perms = role.includedPermissions ?? [];
    const created: FakeRole = {
      name: `${parent}/roles/${roleId}`,
      title: role.title ?? roleId,
      description: role.description ?? "",
      includedPermissions: [...perms],
      stage: role.stage ?? "GA",
      etag: nextEtag(),
      deleted: false,
    };
    project.roles.set(roleId, created);
    return ok(created);
  }

  if (rest === "" && req.method === "GET") {
    const showDeleted = req.query.get("showDeleted") === "true";
    const all = [...project.roles.values()].filter((r) => showDeleted || !r.deleted);
    const size = Math.min(Number(req.query.get("pageSize") ?? 300) || 300, 1000);
    const start = Number(req.query.get("pageToken") ?? 0) || 0;
    const page = all.slice(start, start + size);
    const next = start + size < all.length ? String(start + size) : undefined;
    return ok({ roles: page, ...(next ? { nextPageToken: next } : {}) });
  }

  const m = /^\/([^/:]+)(:undelete)?$/.exec(rest);
  const role = m ? project.roles.get(m[1]) : undefined;
  if (!m) return gcpError(404, "Unknown method.");
  if (!role) return gcpError(404, `The role named ${parent}/roles/${m[1]} was not found.`, "NOT_FOUND");
  if (m[2] && req.method === "POST") {
    if (!role.deleted) return gcpError(400, "The role is not deleted.", "FAILED_PRECONDITION");
    const { etag } = (req.body ?? {}) as { etag?: string };
    if (etag && etag !== role.etag) return gcpError(409, "The etag does not match the role.", "ABORTED");
    Object.assign(role, { deleted: false, etag: nextEtag() });
    project.deletedAt.delete(m[1]);
    return ok(role);
  }
  if (req.method === "GET") return ok(role);
  if (req.method === "DELETE") {
    if (role.deleted)
      return gcpError(
        400,
        "You can't delete role_id which has been marked for deletion.",
        "FAILED_PRECONDITION",
      );
    Object.assign(role, { deleted: true, etag: nextEtag() });
    project.deletedAt.set(m[1], Date.now());
    return ok(role);
  }
  return gcpError(404, "Unknown method.");
}
