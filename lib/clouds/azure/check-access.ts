import type { AuthorizationManagementClient } from "@azure/arm-authorization";
import type { RoleSpec } from "@/db/schema";
import type { BindingSpec, CloudAccessCheck, CloudAccessEvidence } from "@/lib/clouds/port";
import { type AzureAssignment, evaluateAzure } from "@/lib/iam/azure-eval";
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
 * Does not cover deny assignments or ABAC conditions on assignments (an assignment with a condition is
 * counted in the answer, not evaluated).
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
    const d = evaluateAzure(evaluable, {
      operation,
      dataAction: dataActions.has(operation),
      resourceId: scope,
      time: now,
    });
    const note = conditional.length ? ` (${conditional.length} conditional assignment(s) not evaluated)` : "";
    return {
      permission: operation,
      resource: scope,
      allowed: d.decision === "allow",
      decision: `${d.reason}${note}`,
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
