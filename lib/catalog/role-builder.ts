import { createHash } from "node:crypto";
import type { Cloud, RoleSpec } from "@/db/schema";
import { Validation } from "@/lib/errors";

/** Resource names narrow a template's scope; a strict pattern keeps them out of cloud expressions' syntax. */
export const RESOURCE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._\-/:]{0,127}$/;

const AWS_ACTION = /^[a-z0-9-]+:[A-Za-z0-9*?]+$/;
const GCP_PERMISSION = /^[a-z][a-zA-Z0-9]*(\.[a-zA-Z0-9]+){2,}$/;
const AZURE_OPERATION = /^[A-Za-z][A-Za-z0-9.]*(\/[A-Za-z0-9.*_-]+)+$/;
const PATTERNS: Record<Cloud, RegExp> = { aws: AWS_ACTION, gcp: GCP_PERMISSION, azure: AZURE_OPERATION };

/** Elevate's own management permissions can never be granted through Elevate. */
const FORBIDDEN = [/^iam:.*Elevate/i, /elevate/i];

/** Content hash of the role's permission set and scope shape: stable under ordering and duplicates. */
export function roleHash(cloud: Cloud, permissions: string[], resource: string | null): string {
  const perms = [...new Set(permissions)].sort();
  return createHash("sha256")
    .update(JSON.stringify({ cloud, perms, scoped: resource !== null }))
    .digest("hex")
    .slice(0, 20);
}

/**
 * Turns a template's permissions for one cloud, plus an optional resource, into the exact role the cloud
 * receives. The expiry is not part of the role (roles are shared); it goes on the per-grant binding.
 */
export function buildRoleSpec(input: {
  cloud: Cloud;
  permissions: string[];
  resource: string | null;
  accountId: string;
}): RoleSpec {
  const { cloud, resource } = input;
  if (resource !== null && !RESOURCE_PATTERN.test(resource)) {
    throw Validation("resource", "use letters, digits and . _ - / : only (at most 128 characters)");
  }
  const permissions = [...new Set(input.permissions)].sort();
  if (permissions.length === 0) throw Validation("permissions", "at least one permission is required");
  for (const p of permissions) {
    if (!PATTERNS[cloud].test(p)) throw Validation("permissions", `"${p}" is not a valid ${cloud} permission`);
    if (FORBIDDEN.some((re) => re.test(p))) throw Validation("permissions", `"${p}" manages Elevate itself`);
  }
  const hash = roleHash(cloud, permissions, resource);
  const roleName = cloud === "azure" ? `Elevate ${hash}` : `elevate_${hash}`;
  return { cloud, permissions, resource, hash, roleName, document: documentFor(input.accountId, cloud, permissions, resource, roleName) };
}

function documentFor(
  accountId: string,
  cloud: Cloud,
  permissions: string[],
  resource: string | null,
  roleName: string,
): Record<string, unknown> {
  switch (cloud) {
    case "aws":
      return {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "ElevateGrant",
            Effect: "Allow",
            Action: permissions,
            Resource: resource ? [`arn:aws:*:*:${accountId}:*${resource}*`] : ["*"],
            // The per-grant expiry is added to the binding's copy: aws:CurrentTime DateLessThan <expiry>.
          },
        ],
      };
    case "gcp":
      return {
        roleId: roleName,
        title: `Elevate ${roleName.slice(8)}`,
        includedPermissions: permissions,
        stage: "GA",
        scope: `projects/${accountId}`,
      };
    case "azure":
      return {
        roleName,
        description: "Managed by Elevate: just-in-time access",
        permissions: [{ actions: permissions, notActions: [], dataActions: [], notDataActions: [] }],
        assignableScopes: [`/subscriptions/${accountId}`],
      };
  }
}
