import type { FakeReply } from "@/lib/clouds/fakes/gcp/fake-http";
import { assignable } from "./definitions-handler";
import { armError } from "./errors";
import { listFilter } from "./listing";
import { type FakeAzureState, type FakeScheduleRequest, guidOf } from "./state";

const AUTH = "/providers/Microsoft.Authorization";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ADMIN = new Set(["AdminAssign", "AdminUpdate", "AdminExtend", "AdminRemove"]);

const json = (r: FakeScheduleRequest) => ({
  id: `${r.scope}${AUTH}/roleAssignmentScheduleRequests/${r.name}`,
  name: r.name,
  type: "Microsoft.Authorization/RoleAssignmentScheduleRequests",
  properties: {
    scope: r.scope,
    roleDefinitionId: r.roleDefinitionId,
    principalId: r.principalId,
    principalType: "User",
    requestType: r.requestType,
    status: r.status,
    scheduleInfo: r.scheduleInfo,
    justification: r.justification,
    createdOn: r.createdOn,
  },
});

/**
 * PIM role assignment schedule requests: assignments with an end date Azure enforces itself. Listed
 * like role assignments (`atScope()` at or above; no filter at, above and below).
 */
export function handleScheduleRequests(
  state: FakeAzureState,
  method: string,
  scope: string,
  name: string | undefined,
  body: Record<string, unknown> | undefined,
  filter: string | null = null,
): FakeReply {
  if (!name) {
    if (method !== "GET") return armError(405, "MethodNotAllowed", "Use GET");
    const keep = listFilter(scope, filter);
    if (typeof keep !== "function") return keep;
    return { status: 200, body: { value: [...state.scheduleRequests.values()].filter(keep).map(json) } };
  }
  const at = scope.toLowerCase();
  const key = `${at}/${name.toLowerCase()}`;
  const existing = state.scheduleRequests.get(key);
  if (method === "GET")
    return existing
      ? { status: 200, body: json(existing) }
      : armError(404, "RoleAssignmentScheduleRequestNotFound", "Not found.");
  if (method !== "PUT") return armError(405, "MethodNotAllowed", "Use PUT");
  const p = (body?.properties ?? {}) as Partial<FakeScheduleRequest>;
  const principalId = (p.principalId ?? "").toLowerCase();
  const roleGuid = guidOf(p.roleDefinitionId ?? "");
  if (existing) {
    const same =
      existing.requestType === p.requestType &&
      existing.justification === p.justification &&
      existing.principalId === principalId;
    return same
      ? { status: 201, body: json(existing) }
      : armError(409, "RoleAssignmentRequestExists", "A request with this name already exists.");
  }
  if (!GUID.test(name) || !GUID.test(principalId))
    return armError(400, "InvalidRequest", "Request name and principal ID must be GUIDs.");
  if (!ADMIN.has(p.requestType ?? ""))
    return armError(400, "InvalidRequestType", `Unsupported request type ${p.requestType}.`);
  if (!assignable(state.definitions.get(roleGuid), at))
    return armError(404, "RoleDefinitionDoesNotExist", "The specified role definition does not exist.");
  const now = Date.now();
  const active = state.activeWindow(at, roleGuid, principalId, now);
  const exp = p.scheduleInfo?.expiration;
  const end = exp?.endDateTime ? Date.parse(exp.endDateTime) : Number.NaN;
  if (p.requestType !== "AdminRemove") {
    // Tenants' PIM policy normally forbids permanent active assignments: an end date is required.
    if (exp?.type !== "AfterDateTime" || !(end > now)) {
      return armError(
        400,
        "ExpirationRule",
        "An active assignment needs an end date in the future (AfterDateTime).",
      );
    }
  }
  if (p.requestType === "AdminAssign") {
    if (active) return armError(409, "RoleAssignmentExists", "The role assignment already exists.");
    state.windows.push({ principalId, roleGuid, scope: at, from: now, end });
  } else {
    if (!active) return armError(400, "RoleAssignmentDoesNotExist", "The role assignment does not exist.");
    if (p.requestType === "AdminRemove") active.until = now;
    else active.end = end;
  }
  const saved: FakeScheduleRequest = {
    name: name.toLowerCase(),
    scope,
    roleDefinitionId: p.roleDefinitionId ?? "",
    principalId,
    requestType: p.requestType ?? "",
    justification: p.justification,
    scheduleInfo: p.scheduleInfo,
    status: p.requestType === "AdminRemove" ? "Revoked" : "Provisioned",
    createdOn: state.now(),
  };
  state.scheduleRequests.set(key, saved);
  return { status: 201, body: json(saved) };
}

/**
 * PIM `roleAssignmentScheduleInstances` (list only): the schedules currently provisioned, one per active
 * window the fake holds from AdminAssign/AdminExtend, with their start and end. Filters as documented
 * (Role Assignment Schedule Instances - List For Scope): `assignedTo('{userId}')` and `principalId eq` are
 * that principal's instances at, above or below the scope; `atScope()` at or above.
 * https://learn.microsoft.com/en-us/rest/api/authorization/role-assignment-schedule-instances/list-for-scope
 */
export function listScheduleInstances(
  state: FakeAzureState,
  method: string,
  scope: string,
  filter: string | null,
): FakeReply {
  if (method !== "GET") return armError(405, "MethodNotAllowed", "Use GET");
  const keep = listFilter(scope, filter);
  if (typeof keep !== "function") return keep;
  const now = Date.now();
  const value = state.windows
    .filter((w) => w.end !== undefined && w.until === undefined && w.end > now)
    .filter((w) => keep({ scope: w.scope, principalId: w.principalId }))
    .map((w) => {
      const sub = w.scope.split("/").slice(0, 3).join("/");
      const name = `${w.principalId.slice(0, 8)}-${w.roleGuid.slice(9, 13)}-${w.from.toString(16).slice(-4)}-0000-${w.roleGuid.slice(-12)}`;
      return {
        id: `${w.scope}${AUTH}/roleAssignmentScheduleInstances/${name}`,
        name,
        type: "Microsoft.Authorization/roleAssignmentScheduleInstances",
        properties: {
          scope: w.scope,
          roleDefinitionId: `${sub}${AUTH}/roleDefinitions/${w.roleGuid}`,
          principalId: w.principalId,
          principalType: "User",
          status: "Provisioned",
          startDateTime: new Date(w.from).toISOString(),
          endDateTime: new Date(w.end ?? now).toISOString(),
          assignmentType: "Assigned",
          memberType: "Direct",
        },
      };
    });
  return { status: 200, body: { value } };
}
