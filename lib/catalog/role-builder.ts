import { createHash } from "node:crypto";
import type { Cloud, Risk, RoleSpec } from "@/db/schema";
import { buildOktaRole, OKTA_PERMISSION, oktaResourcesFor } from "@/lib/clouds/okta/role";
import { LimitExceeded, Validation } from "@/lib/errors";
import { MAX_PATTERN_LENGTH } from "@/lib/iam/glob";
import { azureAssignmentScope, azurePermissions } from "./azure-scope";
import type { Catalog } from "./catalog";
import { isElevateManagement } from "./elevate-management";
import {
  GCP_CONDITION_MAX,
  GCP_CONDITION_MAX_OPERATORS,
  gcpBindingExpression,
  gcpNarrowing,
  logicOperators,
} from "./gcp-conditions";
import { K8S_PERMISSION } from "./kubernetes-names";
import { parseResource, type ResourceKind } from "./resources";
import { maxRisk } from "./risk";
import { AWS_MANAGED_POLICY_MAX, awsPolicy, policySize, splitPolicy } from "./role-aws";
import { checkGcpPermissions, GCP_PROJECT } from "./role-gcp";
import { kubernetesRules } from "./role-kubernetes";
import { type Expansion, expandPermissions } from "./wildcard";

/** What a requester may type as a resource before the kind's own rules apply (those come from resources.ts). */
export const RESOURCE_PATTERN = /^[A-Za-z0-9/_][A-Za-z0-9._\-/:+=@#()]{0,511}$/;

const AWS_ACTION = /^[a-z0-9-]+:[A-Za-z0-9*?_-]+$/;
const GCP_PERMISSION =
  /^[a-z*?][a-zA-Z0-9*?_-]*(\.[a-zA-Z0-9*?_-]+)*(\/[a-zA-Z0-9*?_-]+)?(\.[a-zA-Z0-9*?_-]+)+$/;
const AZURE_OPERATION = /^[A-Za-z*][A-Za-z0-9.*?]*(\/[A-Za-z0-9.*?:_-]+)+$/;
const PATTERNS: Record<Cloud, RegExp> = {
  aws: AWS_ACTION,
  gcp: GCP_PERMISSION,
  azure: AZURE_OPERATION,
  kubernetes: K8S_PERMISSION,
  okta: OKTA_PERMISSION,
};

export type BuildRoleInput = {
  cloud: Cloud;
  permissions: string[];
  /** Wildcards are expanded, names checked, AWS ARNs built from the catalog's resource types. */
  catalog: Catalog;
  accountId: string;
  resource: string | null;
  /** The template's placeholder kind, or the one named with explicit permissions. */
  resourceKind: ResourceKind | null;
  /** AWS: the target's regions, written as an `aws:RequestedRegion` condition. */
  regions?: string[];
  /** Previews only: the expiry the binding would carry, to show its whole condition. */
  expiresAt?: Date;
};

/** Per-binding settings, built with the role so the preview and the wire hold the same text. */
export type RoleBinding = {
  /** GCP: the resource constraint joined to the grant's expiry (gcpBindingExpression). */
  resourceCondition?: string;
  /** Azure: the assignment scope (full ARM id); absent means the subscription. Kubernetes: the namespace. */
  scope?: string;
  /** Previews: the whole GCP condition as the binding would carry it at `expiresAt`. */
  condition?: { title: string; expression: string };
};

/** RoleSpec plus what people need to see before they submit. Extra fields are additive to RoleSpec. */
export type BuiltRoleSpec = RoleSpec & {
  expanded: Expansion["expanded"];
  riskLevel: Risk | null;
  /** Limits applied and how (split, testing-stage permissions…). */
  notes: string[];
  /** AWS: the managed policies to create when one would exceed 6,144 characters. */
  parts?: Record<string, unknown>[];
  resourceKind: ResourceKind | null;
  binding: RoleBinding;
  /** Permissions that could not be narrowed to the resource (account- or project-wide), and why. */
  wide: { permissions: string[]; why: string }[];
};

/** The Azure role definition's description, as the adapter writes it and the preview shows it. */
export const AZURE_ROLE_DESCRIPTION = "Managed by Elevate: content-addressed just-in-time role; do not edit";

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
 * The one role builder: request preview, template preview, the scheduled grant and (through the stored
 * spec) the adapters all use it. Deterministic: same input in any order gives the same spec and hash.
 */
export function buildRoleSpec(input: BuildRoleInput): BuiltRoleSpec {
  const { cloud, catalog, accountId } = input;
  if (input.resource !== null && !RESOURCE_PATTERN.test(input.resource.trim()))
    throw Validation("resource", "use letters, digits and . _ - / : + = @ # only (at most 512 characters)");
  const requested = [...new Set(input.permissions.map((p) => p.trim()))].sort();
  if (requested.length === 0) throw Validation("permissions", "at least one permission is required");
  const parsed =
    input.resource === null ? null : parseResource(cloud, input.resourceKind, input.resource, accountId);
  for (const p of requested) {
    if (p.length > MAX_PATTERN_LENGTH || !PATTERNS[cloud].test(p))
      throw Validation("permissions", `"${p.slice(0, 80)}" is not a valid ${cloud} permission`);
    if (isElevateManagement(cloud, p))
      throw Validation("permissions", `"${p}" manages Elevate itself and can never be requested`);
  }
  const expansion = expandPermissions(catalog, cloud, requested);
  const permissions = expansion.permissions;
  const notes: string[] = expansion.excluded.length
    ? [`Left out Elevate's own management permissions: ${expansion.excluded.join(", ")}`]
    : [];
  const riskLevel = maxRisk(permissions.map((p) => catalog.get(cloud, p)?.riskLevel ?? "high"));
  const base = {
    cloud,
    permissions,
    resource: parsed ? input.resource!.trim() : null,
    resourceKind: parsed ? parsed.kind : null,
    expanded: expansion.expanded,
    riskLevel,
    notes,
  };

  switch (cloud) {
    case "aws": {
      const { policy, wide } = awsPolicy({
        catalog,
        actions: permissions,
        accountId,
        resource: parsed?.cloud === "aws" ? parsed : null,
        regions: input.regions,
      });
      const parts = splitPolicy(policy);
      for (const w of wide)
        notes.push(`Account-wide (not narrowed to ${base.resource}): ${w.actions.join(", ")}: ${w.why}`);
      notes.push(
        parts.length > 1
          ? `Split into ${parts.length} managed policies of at most ${AWS_MANAGED_POLICY_MAX} characters each`
          : `Policy size ${policySize(policy)} of ${AWS_MANAGED_POLICY_MAX} characters (whitespace not counted)`,
      );
      // A split names its parts after the hash (`<role>-p1…`): the split is part of the content address.
      const hash = contentHash(
        parts.length > 1
          ? { cloud, statements: policy.Statement, parts }
          : { cloud, statements: policy.Statement },
      );
      return {
        ...base,
        hash,
        roleName: `elevate_${hash}`,
        document: policy,
        binding: {},
        wide: wide.map((w) => ({ permissions: w.actions, why: w.why })),
        ...(parts.length > 1 ? { parts } : {}),
      };
    }
    case "gcp": {
      checkGcpPermissions(catalog, permissions, notes);
      if (!GCP_PROJECT.test(accountId)) throw Validation("accountId", "not a GCP project id");
      const narrowing = parsed?.cloud === "gcp" ? gcpNarrowing(permissions, parsed, accountId) : null;
      for (const w of narrowing?.wide ?? [])
        notes.push(`Project-wide (not narrowed to ${base.resource}): ${w.permissions.join(", ")}: ${w.why}`);
      const hash = roleHash(cloud, permissions, base.resource);
      const roleName = `elevate_${hash}`;
      const document = {
        roleId: roleName,
        title: `Elevate ${hash}`,
        includedPermissions: permissions,
        stage: "GA",
        scope: `projects/${accountId}`,
      };
      const binding: RoleBinding = narrowing ? { resourceCondition: narrowing.condition } : {};
      if (input.expiresAt)
        binding.condition = {
          title: "elevate:<grant id>",
          expression: gcpBindingExpression(input.expiresAt, binding.resourceCondition),
        };
      // Checked on the whole expression as a grant would send it (one expiry comparison joined with &&).
      const whole = gcpBindingExpression(input.expiresAt ?? new Date(0), binding.resourceCondition);
      if (whole.length > GCP_CONDITION_MAX)
        throw LimitExceeded(`the binding condition exceeds ${GCP_CONDITION_MAX} characters`, "permissions");
      if (logicOperators(whole) > GCP_CONDITION_MAX_OPERATORS)
        throw LimitExceeded(
          `the binding condition needs ${logicOperators(whole)} logic operators; IAM allows ${GCP_CONDITION_MAX_OPERATORS}. Ask for permissions on fewer resource types`,
          "permissions",
        );
      return { ...base, hash, roleName, document, binding, wide: narrowing?.wide ?? [] };
    }
    case "azure": {
      const split = azurePermissions(catalog, permissions);
      const hash = contentHash({ cloud, permissions: split, scoped: parsed !== null });
      const roleName = `Elevate ${hash}`;
      const subscription = `/subscriptions/${accountId.toLowerCase()}`;
      const document = {
        roleName,
        description: AZURE_ROLE_DESCRIPTION,
        permissions: split,
        assignableScopes: [subscription],
      };
      const scope = parsed?.cloud === "azure" ? azureAssignmentScope(permissions, parsed) : subscription;
      return { ...base, hash, roleName, document, binding: { scope }, wide: [] };
    }
    case "kubernetes": {
      // A namespace asks for a Role and a RoleBinding there; no resource, a ClusterRole and a
      // ClusterRoleBinding (a template without a namespace placeholder is cluster-wide by design).
      const scope = parsed?.cloud === "kubernetes" ? parsed : null;
      if (!scope && input.resourceKind === "namespace")
        throw Validation("resource", "name the namespace this task is for (e.g. shop)");
      const k8s = kubernetesRules(permissions, scope);
      notes.push(...k8s.notes);
      const hash = contentHash({ cloud, rules: k8s.rules, namespace: scope?.namespace ?? null });
      const roleName = `elevate-${hash}`;
      const document = {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: scope ? "Role" : "ClusterRole",
        metadata: {
          name: roleName,
          ...(scope ? { namespace: scope.namespace } : {}),
          labels: { "app.kubernetes.io/managed-by": "elevate" },
        },
        rules: k8s.rules,
      };
      const wide = scope
        ? []
        : [{ permissions, why: "no namespace was named: a ClusterRole bound cluster-wide" }];
      return {
        ...base,
        hash,
        roleName,
        document,
        binding: scope ? { scope: scope.namespace } : {},
        wide,
      };
    }
    case "okta": {
      // A custom admin role named by its permissions, and the resource set's resources as the binding's
      // scope (docs/okta.md). A template's group or app placeholder must be filled: no org-wide default.
      const named = parsed?.cloud === "okta" ? parsed : null;
      if (!named && (input.resourceKind === "group" || input.resourceKind === "app"))
        throw Validation("resource", `name the Okta ${input.resourceKind} this task is for (its id)`);
      const role = buildOktaRole(permissions, named ? oktaResourcesFor(permissions, named) : null);
      notes.push(`Okta resource set: ${role.document.resources.join(", ")} (one per grant)`);
      return {
        ...base,
        hash: role.hash,
        roleName: role.roleName,
        document: role.document,
        binding: role.binding,
        wide: role.wide,
      };
    }
  }
}
