import type { Cloud } from "@/db/schema";
import { normalise } from "./catalog";

/**
 * The permissions Elevate's own service identity uses to create roles and bindings. Whoever holds them can
 * grant themselves anything outside Elevate, so they can never be requested through Elevate.
 */
const MANAGEMENT: Record<Cloud, readonly string[]> = {
  aws: [
    "iam:CreatePolicy",
    "iam:CreatePolicyVersion",
    "iam:DeletePolicy",
    "iam:DeletePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:AttachUserPolicy",
    "iam:DetachUserPolicy",
    "iam:AttachRolePolicy",
    "iam:DetachRolePolicy",
    "iam:PutUserPolicy",
    "iam:DeleteUserPolicy",
    "iam:PutRolePolicy",
    "iam:DeleteRolePolicy",
    "iam:CreateRole",
    "iam:DeleteRole",
    "iam:UpdateAssumeRolePolicy",
    "iam:TagPolicy",
    "iam:UntagPolicy",
    "iam:TagRole",
    "iam:UntagRole",
  ],
  gcp: [
    "iam.roles.create",
    "iam.roles.update",
    "iam.roles.delete",
    "iam.roles.undelete",
    "resourcemanager.projects.setIamPolicy",
    "resourcemanager.folders.setIamPolicy",
    "resourcemanager.organizations.setIamPolicy",
  ],
  azure: [
    "Microsoft.Authorization/roleDefinitions/write",
    "Microsoft.Authorization/roleDefinitions/delete",
    "Microsoft.Authorization/roleAssignments/write",
    "Microsoft.Authorization/roleAssignments/delete",
    "Microsoft.Authorization/roleAssignmentScheduleRequests/write",
    "Microsoft.Authorization/roleAssignmentScheduleRequests/cancel/action",
    "Microsoft.Authorization/roleEligibilityScheduleRequests/write",
  ],
  // What Elevate's own ServiceAccount holds in a cluster (docs/kubernetes.md, "Elevate's own access").
  kubernetes: [
    ...["roles", "clusterroles", "rolebindings", "clusterrolebindings"].flatMap((r) =>
      ["create", "update", "patch", "delete", "escalate", "bind"].map(
        (v) => `rbac.authorization.k8s.io/${r}:${v}`,
      ),
    ),
    "core/serviceaccounts:create",
    "core/serviceaccounts:delete",
    "core/serviceaccounts/token:create",
  ],
  // Custom admin roles cannot hold role or admin-assignment management (Okta keeps that to Super
  // Administrators), so no Okta permission manages Elevate; its own admin is protected by resource (docs/okta.md).
  okta: [],
};

const SETS = Object.fromEntries(
  Object.entries(MANAGEMENT).map(([cloud, names]) => [
    cloud,
    new Set(names.map((p) => normalise(cloud as Cloud, p))),
  ]),
) as Record<Cloud, Set<string>>;

export function elevateManagementPermissions(cloud: Cloud): readonly string[] {
  return MANAGEMENT[cloud];
}

/** True for Elevate's own management permissions, and for anything naming Elevate itself. */
export function isElevateManagement(cloud: Cloud, permission: string): boolean {
  if (/elevate/i.test(permission)) return true;
  return SETS[cloud].has(normalise(cloud, permission));
}

/** Role names Elevate creates (`elevate_<hash>`, `Elevate <hash>`) or that manage it can never be requested. */
export function isElevateRole(name: string): boolean {
  return /(^|\/)elevate[ _-]/i.test(name);
}
