import { type Cloud, type CloudPermissions, permissionsOn, RISKS, type Risk } from "@/db/schema";
import { buildRoleSpec, type Catalog, loadOrgCatalog } from "@/lib/catalog";
import type { Ctx } from "@/lib/ctx";
import { AppError, Validation } from "@/lib/errors";
import { CLOUDS } from "./diff";

/** Stand-in accounts: validation checks names and limits, which do not depend on the account. */
export const PLACEHOLDER_ACCOUNTS: Record<Cloud, string> = {
  aws: "123456789012",
  gcp: "example-project",
  azure: "00000000-0000-0000-0000-000000000000",
  kubernetes: "example-cluster",
  okta: "example.okta.com",
};

export type CheckedPermissions = {
  permissions: CloudPermissions;
  expanded: Record<Cloud, { pattern: string; matches: string[] }[]>;
  /** The catalog's rating: the highest risk of any permission on any cloud, and which ones set it. */
  computedRisk: Risk;
  riskiest: string[];
};

const RISK_ORDER: readonly Risk[] = RISKS;

/**
 * One risk everywhere: a template may be declared riskier than the catalog rates it, never less risky,
 * since the declared risk is what the inbox and bulk approval go by. The error says which permissions.
 */
export function assertDeclaredRisk(declared: Risk, checked: CheckedPermissions): void {
  if (RISK_ORDER.indexOf(declared) >= RISK_ORDER.indexOf(checked.computedRisk)) return;
  throw Validation(
    "risk",
    `cannot be ${declared}: the catalog rates ${checked.riskiest.slice(0, 5).join(", ")} ${checked.computedRisk} risk. Declare ${checked.computedRisk} or higher, or leave those permissions out`,
  );
}

/**
 * Runs every cloud's permissions through the role builder against the org's catalog: unknown names are
 * rejected with suggestions, wildcards expanded, Elevate-management permissions refused, cloud limits
 * checked. Errors name the cloud's field (`permissions.aws`).
 */
export async function checkTemplatePermissions(
  ctx: Ctx,
  input: CloudPermissions,
): Promise<CheckedPermissions> {
  if (CLOUDS.every((c) => permissionsOn(input, c).length === 0))
    throw Validation("permissions", "give permissions for at least one cloud");
  const catalog = await loadOrgCatalog(ctx.db, ctx.orgId);
  const out: CheckedPermissions = {
    permissions: { aws: [], gcp: [], azure: [] },
    expanded: Object.fromEntries(CLOUDS.map((c) => [c, []])) as unknown as CheckedPermissions["expanded"],
    computedRisk: "low",
    riskiest: [],
  };
  for (const cloud of CLOUDS) {
    const requested = permissionsOn(input, cloud);
    if (requested.length === 0) continue;
    const spec = buildFor(catalog, cloud, requested);
    out.permissions[cloud] = spec.permissions;
    out.expanded[cloud] = spec.expanded;
  }
  const rated = CLOUDS.flatMap((c) =>
    permissionsOn(out.permissions, c).map((p) => ({
      p,
      risk: catalog.get(c, p)?.riskLevel ?? ("high" as Risk),
    })),
  );
  out.computedRisk = rated.reduce<Risk>(
    (max, r) => (RISK_ORDER.indexOf(r.risk) > RISK_ORDER.indexOf(max) ? r.risk : max),
    "low",
  );
  out.riskiest = rated.filter((r) => r.risk === out.computedRisk).map((r) => r.p);
  return out;
}

function buildFor(catalog: Catalog, cloud: Cloud, permissions: string[]) {
  try {
    return buildRoleSpec({
      cloud,
      permissions,
      resource: null,
      resourceKind: null,
      accountId: PLACEHOLDER_ACCOUNTS[cloud],
      catalog,
    });
  } catch (err) {
    if (err instanceof AppError && (err.field === "permissions" || err.field === undefined)) {
      const message = err.message.replace(/^permissions: /, "");
      throw new AppError(err.code, `permissions.${cloud}: ${message}`, `permissions.${cloud}`);
    }
    throw err;
  }
}
