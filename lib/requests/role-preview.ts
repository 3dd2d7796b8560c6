import type { Cloud, Risk, RoleSpec } from "@/db/schema";
import type { Catalog } from "@/lib/catalog/catalog";
import { loadOrgCatalog } from "@/lib/catalog/load";
import type { ResourceKind } from "@/lib/catalog/resources";
import { maxRisk } from "@/lib/catalog/risk";
import type { RoleBinding } from "@/lib/catalog/role-builder";
import type { RiskTag } from "@/lib/catalog/types";
import type { Ctx } from "@/lib/ctx";
import { effectiveAccessEvidence } from "@/lib/grants/effective-access";
import { buildRequestRole, type RoleSource } from "./role-source";

/** What a grant on one target will create: the exact role document and why it is risky. */
export type RolePreview = {
  target: { id: string; name: string; cloud: Cloud; externalId: string };
  roleName: string;
  permissions: string[];
  riskTags: RiskTag[];
  /**
   * The template's declared risk: the one the picker, the inbox and bulk approval go by. Null for explicit
   * permissions, which have only the catalog's.
   */
  declaredRisk: Risk | null;
  /** The highest of the declared risk and the catalog's rating of each permission. */
  riskLevel: Risk;
  document: Record<string, unknown>;
  /** AWS: the managed policies the document is split into when over IAM's size limit. */
  parts: Record<string, unknown>[] | null;
  binding: RoleBinding;
  resource: string | null;
  resourceKind: ResourceKind | null;
  /** Permissions that stay account- or project-wide although a resource was named, and why. */
  wide: { permissions: string[]; why: string }[];
  /**
   * "Can" and "cannot" examples, evaluated on the built documents by the cloud evaluators (lib/iam): the
   * named resource, a sibling of it, and use after the expiry. Previews with an expiry only.
   */
  examples: { can: Example[]; cannot: Example[] } | null;
  notes: string[];
};

type Example = { permission: string; on: string };
const EXAMPLES = 3;

type TargetLike = RolePreview["target"] & { settings?: Record<string, unknown> };

/**
 * Builds the role exactly as scheduleGrants does (buildRequestRole, same inputs), then reads risk tags
 * from the org's catalog: the preview promises what the grant will hold.
 */
export async function previewRole(
  ctx: Ctx,
  target: TargetLike,
  source: RoleSource,
  resource: string | null,
  expiresAt?: Date,
): Promise<RolePreview> {
  return roleWithRisk(target, source, resource, await loadOrgCatalog(ctx.db, ctx.orgId), expiresAt);
}

/** previewRole with the org's catalog already at hand (pages that preview many roles read it once). */
export function roleWithRisk(
  target: TargetLike,
  source: RoleSource,
  resource: string | null,
  catalog: Catalog,
  expiresAt?: Date,
): RolePreview {
  const spec = buildRequestRole(target, source, resource, catalog, expiresAt);
  const tags = new Set<RiskTag>();
  const levels: Risk[] = source.risk ? [source.risk] : [];
  for (const p of spec.permissions) {
    const entry = catalog.get(target.cloud, p);
    for (const t of entry?.risk ?? []) tags.add(t);
    // Explicit permissions have no declared risk: one the catalog does not know counts as high.
    levels.push(entry?.riskLevel ?? (source.kind === "explicit" ? "high" : "low"));
  }
  return {
    target,
    roleName: spec.roleName,
    permissions: spec.permissions,
    riskTags: [...tags].sort(),
    declaredRisk: source.risk,
    riskLevel: maxRisk(levels),
    document: spec.document,
    parts: spec.parts ?? null,
    binding: spec.binding,
    resource: spec.resource,
    resourceKind: spec.resourceKind,
    wide: spec.wide,
    examples: expiresAt ? examplesOf(spec, expiresAt) : null,
    notes: spec.notes,
  };
}

/** A few of the evaluated checks, as the preview shows them: allowed on the resource, denied beside it. */
function examplesOf(spec: RoleSpec, expiresAt: Date): RolePreview["examples"] {
  const access = effectiveAccessEvidence(spec, { notAfter: expiresAt, now: new Date() });
  if ("error" in access) return null;
  const can = access.checks
    .filter((c) => c.decision === "allow")
    .map((c) => ({ permission: c.permission, on: c.on }));
  const cannot = access.checks
    .filter((c) => c.sibling?.decision === "deny")
    .map((c) => ({ permission: c.permission, on: c.sibling?.on ?? "" }));
  if (access.afterExpiry === "deny" && access.checks[0])
    cannot.push({
      permission: access.checks[0].permission,
      on: `${access.checks[0].on} after ${access.notAfter}`,
    });
  return { can: can.slice(0, EXAMPLES), cannot: cannot.slice(-EXAMPLES) };
}
