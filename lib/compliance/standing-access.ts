import { and, eq, inArray } from "drizzle-orm";
import { cloudRoles, grants, targets } from "@/db/schema";
import { adapterFor } from "@/lib/clouds/registry";
import type { Ctx } from "@/lib/ctx";
import { LIVE_GRANT_STATUSES } from "@/lib/grants/grant-state";
import type { StandingAccess } from "./report-types";

/**
 * The standing-access statement: each target's inventory of Elevate-tagged artifacts (the adapter's
 * `listManaged`, the drift check's source) matched against the database. A binding is accounted for by a
 * live grant of that target; a role by a live grant using it, or by its row awaiting clean-up (role GC).
 * Read-only: the reconciler removes what is not accounted for; this only states it.
 */
export async function standingAccess(ctx: Ctx): Promise<StandingAccess> {
  const out: StandingAccess = {
    checkedAt: new Date().toISOString(),
    targets: 0,
    bindings: 0,
    roles: 0,
    accounted: true,
    unaccounted: [],
    errors: [],
  };
  const rows = await ctx.db.select().from(targets).where(eq(targets.orgId, ctx.orgId));
  for (const target of rows) {
    let managed: Awaited<ReturnType<ReturnType<typeof adapterFor>["listManaged"]>>;
    try {
      managed = await adapterFor(ctx.db, target).listManaged(target);
    } catch (err) {
      out.errors.push({ target: target.name, error: err instanceof Error ? err.message : String(err) });
      out.accounted = false;
      continue;
    }
    out.targets += 1;
    out.bindings += managed.bindings.length;
    out.roles += managed.roles.length;
    const live = await ctx.db
      .select({ id: grants.id, roleName: grants.roleSpec })
      .from(grants)
      .where(
        and(
          eq(grants.orgId, ctx.orgId),
          eq(grants.targetId, target.id),
          inArray(grants.status, [...LIVE_GRANT_STATUSES]),
        ),
      );
    const liveIds = new Set(live.map((g) => g.id));
    const liveRoles = new Set(live.map((g) => g.roleName.roleName));
    const known = await ctx.db
      .select({ roleName: cloudRoles.roleName })
      .from(cloudRoles)
      .where(
        and(
          eq(cloudRoles.orgId, ctx.orgId),
          eq(cloudRoles.targetId, target.id),
          eq(cloudRoles.status, "active"),
        ),
      );
    const knownRoles = new Set(known.map((r) => r.roleName));
    for (const b of managed.bindings) {
      if (liveIds.has(b.grantId)) continue;
      out.unaccounted.push({
        target: target.name,
        kind: "binding",
        name: b.bindingId,
        grantId: b.grantId || null,
      });
    }
    for (const role of managed.roles) {
      if (liveRoles.has(role) || knownRoles.has(role)) continue;
      out.unaccounted.push({ target: target.name, kind: "role", name: role, grantId: null });
    }
  }
  if (out.unaccounted.length > 0) out.accounted = false;
  return out;
}
