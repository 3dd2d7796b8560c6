import { gcpError } from "./errors";
import type { FakeReply } from "./fake-http";
import { type FakeGcpState, type FakeProject, type FakeRole, GCP_LIMITS } from "./state";

const ROLE_ID = /^[a-zA-Z0-9_.]{3,64}$/;
const PERMISSION = /^[a-z][a-zA-Z0-9]*(\.[a-zA-Z0-9]+){2,}$/;

/**
 * What IAM v1 `projects.roles.create` refuses before creating anything: the role id format, title and
 * description lengths, more than 3,000 permissions, permissions not supported in custom roles, the
 * 300-role quota (deleted roles count for 7 days) and an id deleted less than 37 days ago.
 */
export function refuseRoleCreate(
  state: FakeGcpState,
  project: FakeProject,
  parent: string,
  roleId: string,
  role: Partial<FakeRole>,
): FakeReply | null {
  if (!ROLE_ID.test(roleId)) return gcpError(400, `The role_id (${roleId}) is not valid.`);
  if ((role.title ?? "").length > GCP_LIMITS.roleTitleChars) {
    return gcpError(400, `The role title must be at most ${GCP_LIMITS.roleTitleChars} characters.`);
  }
  if ((role.description ?? "").length > GCP_LIMITS.roleDescriptionChars) {
    return gcpError(
      400,
      `The role description must be at most ${GCP_LIMITS.roleDescriptionChars} characters.`,
    );
  }
  const perms = role.includedPermissions ?? [];
  if (perms.length > GCP_LIMITS.permissionsPerRole) {
    return gcpError(400, `A role can contain at most ${GCP_LIMITS.permissionsPerRole} permissions.`);
  }
  // Checked before the format: some NOT_SUPPORTED names (partner services) are not service.resource.verb.
  const unsupported = perms.find((p) => state.supportLevel(p) === "NOT_SUPPORTED");
  if (unsupported) return gcpError(400, `Permission ${unsupported} is not supported in custom roles.`);
  const bad = perms.find((p) => !PERMISSION.test(p));
  if (bad) return gcpError(400, `Permission ${bad} is not valid.`);
  const existing = project.roles.get(roleId);
  if (existing && !existing.deleted) {
    return gcpError(409, `A role named ${roleId} in ${parent} already exists.`, "ALREADY_EXISTS");
  }
  if (state.isIdReserved(project, roleId)) {
    const hint = existing ? "; undelete it instead" : " in the last 37 days";
    return gcpError(
      400,
      `You can't create a role_id (${roleId}) which has been marked for deletion${hint}.`,
      "FAILED_PRECONDITION",
    );
  }
  if (project.roles.size >= GCP_LIMITS.rolesPerProject) {
    return gcpError(
      400,
      `The maximum number of custom roles (${GCP_LIMITS.rolesPerProject}) for ${parent} has been reached.`,
      "FAILED_PRECONDITION",
    );
  }
  return null;
}
