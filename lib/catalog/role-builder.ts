import { createHash } from "node:crypto";
import type { Cloud, Risk, RoleSpec } from "@/db/schema";
import { Validation } from "@/lib/errors";
import type { Catalog } from "./catalog";
import { isElevateManagement } from "./elevate-management";
import { maxRisk } from "./risk";
import { AWS_MANAGED_POLICY_MAX, awsPolicy, policySize, splitPolicy } from "./role-aws";
import { azurePermissions, azureScope, checkGcpPermissions, gcpCondition } from "./role-gcp-azure";
import type { ResourceKind } from "./role-scope";
import { type Expansion, expandPermissions } from "./wildcard";

/** Resource names narrow a template's scope; a strict pattern keeps them out of cloud expressions' syntax. */
export const RESOURCE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._\-/:]{0,127}$/;

const AWS_ACTION = /^[a-z0-9-]+:[A-Za-z0-9*?]+$/;
const GCP_PERMISSION =
  /^[a-z*?][a-zA-Z0-9*?_-]*(\.[a-zA-Z0-9*?_-]+)*(\/[a-zA-Z0-9*?_-]+)?(\.[a-zA-Z0-9*?_-]+)+$/;
const AZURE_OPERATION = /^[A-Za-z*][A-Za-z0-9.*?]*(\/[A-Za-z0-9.*?:_-]+)+$/;
const PATTERNS: Record<Cloud, RegExp> = { aws: AWS_ACTION, gcp: GCP_PERMISSION, azure: AZURE_OPERATION };

export type BuildRoleInput = {
  cloud: Cloud;
  permissions: string[];
  resource: string | null;
  accountId: string;
  /** With a catalog: wildcards are expanded, names checked, AWS ARNs built from resource types. */
  catalog?: Catalog;
  resourceKind?: ResourceKind;
  /** Written into AWS statements and the GCP binding condition; part of the content hash. */
  expiresAt?: Date;
};

/** RoleSpec plus what people need to see before they submit. Extra fields are additive to RoleSpec. */
export type BuiltRoleSpec = RoleSpec & {
  expanded: Expansion["expanded"];
  riskLevel: Risk | null;
  /** Limits applied and how (split, testing-stage permissions…). */
  notes: string[];
  /** AWS: the managed policies to create when one would exceed 6,144 characters. */
  parts?: Record<string, unknown>[];
  /** Per-binding settings: GCP condition, Azure assignment scope. */
  binding: { condition?: { title: string; expression: string }; scope?: string };
};

/** sha256 of canonical JSON (object keys sorted), truncated: the content address of a role. */
export function contentHash(value: unknown): string {
  const canon = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canon)
      : v && typeof v === "object"
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canon((v as Record<string, unknown>)[k])]),
          )
        : v;
  return createHash("sha256")
    .update(JSON.stringify(canon(value)))
    .digest("hex")
    .slice(0, 20);
}

/** Content hash of the role's permission set and scope shape: stable under ordering and duplicates. */
export function roleHash(cloud: Cloud, permissions: string[], resource: string | null): string {
  return contentHash({ cloud, perms: [...new Set(permissions)].sort(), scoped: resource !== null });
}

/**
 * Turns permissions for one cloud, plus an optional resource, into the exact role the cloud receives,
 * checked against the cloud's limits. Deterministic: same input in any order → same spec and hash.
 */
export function buildRoleSpec(input: BuildRoleInput): BuiltRoleSpec {
  const { cloud, resource, catalog, accountId } = input;
  if (resource !== null && !RESOURCE_PATTERN.test(resource)) {
    throw Validation("resource", "use letters, digits and . _ - / : only (at most 128 characters)");
  }
  const requested = [...new Set(input.permissions.map((p) => p.trim()))].sort();
  if (requested.length === 0) throw Validation("permissions", "at least one permission is required");
  for (const p of requested) {
    if (!PATTERNS[cloud].test(p))
      throw Validation("permissions", `"${p}" is not a valid ${cloud} permission`);
    if (isElevateManagement(cloud, p))
      throw Validation("permissions", `"${p}" manages Elevate itself and can never be requested`);
  }
  const expansion = catalog
    ? expandPermissions(catalog, cloud, requested)
    : { permissions: requested, expanded: [], excluded: [] };
  const permissions = expansion.permissions;
  const notes: string[] = expansion.excluded.length
    ? [`Left out Elevate's own management permissions: ${expansion.excluded.join(", ")}`]
    : [];
  const riskLevel = catalog
    ? maxRisk(permissions.map((p) => catalog.get(cloud, p)?.riskLevel ?? "high"))
    : null;
  const base = { cloud, permissions, resource, expanded: expansion.expanded, riskLevel, notes };

  switch (cloud) {
    case "aws": {
      const policy = awsPolicy(
        catalog,
        permissions,
        accountId,
        resource,
        input.resourceKind,
        input.expiresAt,
      );
      const parts = splitPolicy(policy);
      const unscoped =
        resource === null
          ? []
          : policy.Statement.filter((s) => s.Resource[0] === "*").flatMap((s) => s.Action);
      if (unscoped.length)
        notes.push(
          `Not narrowed to ${resource} (no matching resource type; these apply to "*"): ${unscoped.join(", ")}`,
        );
      if (parts.length > 1)
        notes.push(
          `Split into ${parts.length} managed policies of at most ${AWS_MANAGED_POLICY_MAX} characters each`,
        );
      else
        notes.push(
          `Policy size ${policySize(policy)} of ${AWS_MANAGED_POLICY_MAX} characters (whitespace not counted)`,
        );
      const hash = contentHash({ cloud, statements: policy.Statement });
      const roleName = `elevate_${hash}`;
      return {
        ...base,
        hash,
        roleName,
        document: policy,
        binding: {},
        ...(parts.length > 1 ? { parts } : {}),
      };
    }
    case "gcp": {
      checkGcpPermissions(catalog, permissions, notes);
      const condition = gcpCondition(accountId, resource, input.resourceKind, input.expiresAt);
      const hash = roleHash(cloud, permissions, resource);
      const roleName = `elevate_${hash}`;
      const document = {
        roleId: roleName,
        title: `Elevate ${hash}`,
        includedPermissions: permissions,
        stage: "GA",
        scope: `projects/${accountId}`,
      };
      return { ...base, hash, roleName, document, binding: condition ? { condition } : {} };
    }
    case "azure": {
      const split = azurePermissions(catalog, permissions);
      const hash = contentHash({ cloud, permissions: split, scoped: resource !== null });
      const roleName = `Elevate ${hash}`;
      const document = {
        roleName,
        description: "Managed by Elevate: just-in-time access",
        permissions: split,
        assignableScopes: [`/subscriptions/${accountId}`],
      };
      return { ...base, hash, roleName, document, binding: { scope: azureScope(accountId, resource) } };
    }
  }
}
