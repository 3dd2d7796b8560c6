import type { AdapterKind } from "@/db/schema";
import { SANDBOX_ROLE_QUOTA } from "@/lib/clouds/sandbox/adapter";

/** One documented cloud limit: its default value, what it counts, and where the cloud says so. */
export type Limit = { value: number; what: string; doc: string };

export type CloudLimits = {
  /** The shared, content-addressed roles Elevate creates (AWS: customer managed policies). */
  roles: Limit;
  /** How long a deleted role still counts toward `roles` (GCP: until permanent deletion, 7 days). */
  deletedCountsMs: number;
  /** The per-grant objects a target holds at once (AWS: IAM roles; Azure: role assignments); null = none. */
  bindings: Limit | null;
  /** AWS: managed policies attached to one grant's role (a split permission set uses several). */
  partsPerBinding: Limit | null;
};

const DAY = 86_400_000;
const AWS_QUOTAS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html";
const OKTA_LIMITS =
  "https://help.okta.com/en/prod/Content/Topics/Security/custom-admin-role/about-creating-custom-admin-roles.htm";
const AZURE_LIMITS = "https://learn.microsoft.com/en-us/azure/role-based-access-control/troubleshoot-limits";

/** Defaults as each cloud documents them (docs/operations.md, "Custom-role capacity"). */
export const CLOUD_LIMITS: Record<AdapterKind, CloudLimits> = {
  sandbox: {
    roles: { value: SANDBOX_ROLE_QUOTA, what: "custom roles per target (sandbox)", doc: "" },
    deletedCountsMs: 0,
    bindings: null,
    partsPerBinding: null,
  },
  gcp: {
    roles: {
      value: 300,
      what: "custom roles per project",
      doc: "https://cloud.google.com/iam/quotas",
    },
    // "A deleted custom role still counts toward the custom role limit until it is permanently deleted."
    deletedCountsMs: 7 * DAY,
    bindings: null,
    partsPerBinding: null,
  },
  aws: {
    roles: { value: 1500, what: "customer managed policies per account", doc: AWS_QUOTAS },
    deletedCountsMs: 0,
    bindings: { value: 1000, what: "IAM roles per account (one per grant)", doc: AWS_QUOTAS },
    partsPerBinding: { value: 10, what: "managed policies attached per role", doc: AWS_QUOTAS },
  },
  azure: {
    roles: { value: 5000, what: "custom roles per tenant", doc: AZURE_LIMITS },
    deletedCountsMs: 0,
    bindings: { value: 4000, what: "role assignments per subscription", doc: AZURE_LIMITS },
    partsPerBinding: null,
  },
  // Kubernetes sets no count limit on RBAC objects (etcd's size does): an alert threshold of our own.
  kubernetes: {
    roles: {
      value: 5000,
      what: "Roles and ClusterRoles Elevate keeps per cluster (Elevate's own bound; the API sets none)",
      doc: "https://kubernetes.io/docs/reference/access-authn-authz/rbac/",
    },
    deletedCountsMs: 0,
    bindings: null,
    partsPerBinding: null,
  },
  okta: {
    roles: { value: 100, what: "custom admin roles per org", doc: OKTA_LIMITS },
    deletedCountsMs: 0,
    bindings: { value: 10_000, what: "resource sets per org (one per grant)", doc: OKTA_LIMITS },
    partsPerBinding: null,
  },
};

/** Admins are alerted once when a target reaches this share of a limit… */
export const ALERT_RATIO = 0.8;
/** …and the alert re-arms once usage falls below this, so hovering at the threshold alerts once. */
export const CLEAR_RATIO = 0.7;
/** At or above this share, unused roles are deleted at once instead of after the grace period. */
export const COLLECT_RATIO = 0.9;

type TargetLike = { adapter: AdapterKind; settings: Record<string, unknown> };

/** The target's `settings.roleQuota` (a raised cloud quota, or Elevate's share of a shared one). */
export function roleQuotaOverride(settings: Record<string, unknown>): number | undefined {
  const q = settings.roleQuota;
  return typeof q === "number" && Number.isInteger(q) && q > 0 ? q : undefined;
}

/** The limits that apply to one target: the cloud's defaults, the role quota overridden if set. */
export function limitsFor(target: TargetLike): CloudLimits {
  const base = CLOUD_LIMITS[target.adapter];
  const quota = roleQuotaOverride(target.settings);
  return quota === undefined ? base : { ...base, roles: { ...base.roles, value: quota } };
}

/** Role slots one spec takes: a split AWS permission set is several managed policies. */
export function slotsOf(adapter: AdapterKind, spec: { parts?: unknown[] }): number {
  return adapter === "aws" && Array.isArray(spec.parts) ? Math.max(spec.parts.length, 1) : 1;
}
