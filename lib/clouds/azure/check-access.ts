import type { AuthorizationManagementClient, DenyAssignment } from "@azure/arm-authorization";
import type { RoleSpec } from "@/db/schema";
import type { BindingSpec, CloudAccessCheck, CloudAccessEvidence } from "@/lib/clouds/port";
import { type AzureAssignment, azureActionMatches, evaluateAzure, scopeContains } from "@/lib/iam/azure-eval";
import { all, type Caller, isFailed, notFound } from "./call";
import { principalId } from "./ids";
import { assignmentScope } from "./scope";

/** Permissions evaluated per grant; the rest are in the role definition and the offline evaluation. */
export const MAX_CHECKED_OPERATIONS = 50;

export const AZURE_CHECKER = "azure:roleAssignments.listForScope(assignedTo)+roleDefinitions";
export const AZURE_PIM_CHECKER =
  "azure:roleAssignmentScheduleInstances.listForScope(assignedTo)+roleDefinitions";

/** One assignment as Azure reports it (direct, or a PIM schedule instance with its window). */
type Held = {
  scope?: string;
  roleDefinitionId?: string;
  principalId?: string;
  condition?: string;
  startDateTime?: Date;
  endDateTime?: Date;
};

/**
 * Azure's own record of what the grant's principal holds at the grant's scope, read back after bind.
 *
 * Azure documents no API that evaluates *another* principal's access: `Permissions - List For Resource`
 * and `- List For Resource Group` answer for the caller (Elevate itself). What it documents for a given
 * principal is `Role Assignments - List For Scope` with `$filter=atScope() and assignedTo('{objectId}')`:
 * the assignments at or above the scope that apply to that user, including through (nested) group
 * membership (https://learn.microsoft.com/en-us/azure/role-based-access-control/role-assignments-list-rest).
 * So the check lists those assignments, reads each one's role definition from Azure, and evaluates the
 * grant's operations on the scope over Azure's answer with lib/iam's documentation-based RBAC evaluator.
 * Proves: Azure holds an assignment for this principal, at or above the scope, whose definition (as Azure
 * stores it) grants each operation. With PIM (`pim: true`) the principal's schedule instances are read
 * instead, `Role Assignment Schedule Instances - List For Scope` with `$filter=assignedTo('{userId}')`
 * (https://learn.microsoft.com/en-us/rest/api/authorization/role-assignment-schedule-instances/list-for-scope),
 * and each one applies only within its start and end: at a time past the end Azure set, nothing is granted.
 * Deny assignments at or above the scope (`Deny Assignments - List For Scope`, `$filter=atScope()`) are read
 * too and win over any grant, as Azure documents (deny-assignments): one that names the principal or
 * Everyone, does not exclude them, reaches the scope (not when `doNotApplyToChildScopes` and the scope is
 * below it) and covers the operation (actions − notActions, or the data plane's) denies it. One naming only
 * groups is reported in the decision, not resolved (Elevate reads no group membership). ABAC conditions on
 * assignments are counted in the decision text, not evaluated.
 */
export async function checkAssignedAccess(
  client: AuthorizationManagementClient,
  call: Caller,
  subscription: string,
  b: BindingSpec,
  spec: RoleSpec,
  now: Date,
  pim = false,
): Promise<Omit<CloudAccessEvidence, "requestIds">> {
  const scope = assignmentScope(subscription, b.scope ?? spec.binding?.scope ?? undefined);
  const principal = principalId(b.principal);
  const listed = pim
    ? await call("roleAssignmentScheduleInstances.listForScope", (o) =>
        all(
          client.roleAssignmentScheduleInstances.listForScope(scope, {
            ...o,
            filter: `assignedTo('${principal}')`,
          }),
        ),
      )
    : await call("roleAssignments.listForScope", (o) =>
        all(
          client.roleAssignments.listForScope(scope, {
            ...o,
            filter: `atScope() and assignedTo('${principal}')`,
          }),
        ),
      );
  const assignments: Held[] = isFailed(listed) ? [] : listed;
  const denies = await call("denyAssignments.listForScope", (o) =>
    all(client.denyAssignments.listForScope(scope, { ...o, filter: "atScope()" })),
  );
  const denyList = isFailed(denies) ? [] : denies;
  const definitions = new Map<string, Awaited<ReturnType<typeof readDefinition>>>();
  const readDefinition = async (id: string) => {
    const got = await call("roleDefinitions.getById", (o) => client.roleDefinitions.getById(id, o), notFound);
    return isFailed(got) ? undefined : got;
  };
  for (const a of assignments) {
    const id = a.roleDefinitionId ?? "";
    if (id && !definitions.has(id.toLowerCase())) definitions.set(id.toLowerCase(), await readDefinition(id));
  }
  const conditional = assignments.filter((a) => a.condition);
  const evaluable: AzureAssignment[] = assignments
    .filter((a) => !a.condition && a.scope)
    .flatMap((a) => {
      const def = definitions.get((a.roleDefinitionId ?? "").toLowerCase());
      if (!def) return [];
      return [
        {
          scope: a.scope ?? "",
          principalId: a.principalId,
          ...(a.startDateTime ? { startDateTime: new Date(a.startDateTime) } : {}),
          ...(a.endDateTime ? { endDateTime: new Date(a.endDateTime) } : {}),
          role: {
            permissions: (def.permissions ?? []).map((p) => ({
              actions: p.actions,
              notActions: p.notActions,
              dataActions: p.dataActions,
              notDataActions: p.notDataActions,
            })),
            assignableScopes: def.assignableScopes,
          },
        },
      ];
    });
  // A user's group assignments name the group as principal: assignedTo already matched them to the user.
  const doc = (spec.document.permissions as { dataActions?: unknown }[] | undefined)?.[0];
  const dataActions = new Set(Array.isArray(doc?.dataActions) ? doc.dataActions : []);
  const checks: CloudAccessCheck[] = spec.permissions.slice(0, MAX_CHECKED_OPERATIONS).map((operation) => {
    const dataAction = dataActions.has(operation);
    const denied = denyOf(denyList, { operation, dataAction, scope, principal });
    const notes = [
      conditional.length ? `${conditional.length} conditional assignment(s) not evaluated` : "",
      denied.groups.length ? `deny assignment(s) for groups not resolved: ${denied.groups.join(", ")}` : "",
    ].filter(Boolean);
    const tail = notes.length ? ` (${notes.join("; ")})` : "";
    if (denied.by) {
      const decision = `denied by deny assignment "${denied.by}"${tail}`;
      return { permission: operation, resource: scope, allowed: false, decision };
    }
    const d = evaluateAzure(evaluable, { operation, dataAction, resourceId: scope, time: now });
    return {
      permission: operation,
      resource: scope,
      allowed: d.decision === "allow",
      decision: `${d.reason}${tail}`,
    };
  });
  return {
    checker: pim ? AZURE_PIM_CHECKER : AZURE_CHECKER,
    principal,
    evaluatedAt: now.toISOString(),
    permissions: spec.permissions.length,
    checks,
  };
}

/** The "Everyone" principal of system deny assignments (deny-assignments: principals). */
const EVERYONE = "00000000-0000-0000-0000-000000000000";

/** The first deny assignment that denies `operation` at `scope` to `principal`, and those naming only groups. */
export function denyOf(
  denies: DenyAssignment[],
  req: { operation: string; dataAction: boolean; scope: string; principal: string },
): { by: string | null; groups: string[] } {
  const groups: string[] = [];
  const same = (a?: string) => (a ?? "").toLowerCase() === req.principal.toLowerCase();
  for (const d of denies) {
    const at = d.scope ?? "";
    if (!scopeContains(at, req.scope)) continue;
    if (d.doNotApplyToChildScopes && at.toLowerCase() !== req.scope.toLowerCase()) continue;
    const covers = (d.permissions ?? []).some((p) => {
      const allow = (req.dataAction ? p.dataActions : p.actions) ?? [];
      const except = (req.dataAction ? p.notDataActions : p.notActions) ?? [];
      return (
        allow.some((x) => azureActionMatches(x, req.operation)) &&
        !except.some((x) => azureActionMatches(x, req.operation))
      );
    });
    if (!covers) continue;
    if ((d.excludePrincipals ?? []).some((p) => same(p.id))) continue;
    const principals = d.principals ?? [];
    const name = d.denyAssignmentName ?? d.name ?? "unnamed";
    if (principals.some((p) => same(p.id) || p.id === EVERYONE)) return { by: name, groups };
    if (principals.some((p) => (p.type ?? "").toLowerCase() === "group")) groups.push(name);
  }
  return { by: null, groups };
}
