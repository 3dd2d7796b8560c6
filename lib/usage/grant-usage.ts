import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Cloud } from "@/db/schema";
import { usageEvents } from "@/db/schema";
import type { Ctx } from "@/lib/ctx";
import { NotFound, parseInput } from "@/lib/errors";
import { getGrantInOrgOrThrow } from "@/lib/requests/queries";
import { canSeeGrant } from "@/lib/requests/visibility";
import { permissionKey } from "./permission-key";

export const GetGrantUsageInput = z.object({ grantId: z.uuid() });
export type GetGrantUsageInput = z.input<typeof GetGrantUsageInput>;

export type PermissionUsageDto = {
  permission: string;
  /** In the grant's role; false for a call the role did not allow (typically denied). */
  granted: boolean;
  allowed: number;
  denied: number;
  firstSeen: string | null;
  lastSeen: string | null;
};

export type GrantUsageDto = {
  grantId: string;
  cloud: Cloud;
  /** Permissions in the role, and how many of them were used (allowed at least once). */
  grantedCount: number;
  usedCount: number;
  allowedCalls: number;
  deniedCalls: number;
  firstUse: string | null;
  lastUse: string | null;
  /** Granted permissions first (used, then never used), then calls outside the role. */
  permissions: PermissionUsageDto[];
};

/** Used versus granted for one grant; visible exactly when the grant is (else NotFound). */
export async function getGrantUsage({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: GetGrantUsageInput;
}): Promise<GrantUsageDto> {
  const { grantId } = parseInput(GetGrantUsageInput, input);
  const grant = await getGrantInOrgOrThrow(ctx.db, ctx.orgId, grantId);
  if (!canSeeGrant(ctx, grant)) throw NotFound("Grant");
  const rows = await ctx.db
    .select({
      permission: usageEvents.permission,
      allowed: sql<number>`count(*) filter (where ${usageEvents.allowed})::int`,
      denied: sql<number>`count(*) filter (where not ${usageEvents.allowed})::int`,
      first: sql<Date>`min(${usageEvents.occurredAt})`.mapWith(usageEvents.occurredAt),
      last: sql<Date>`max(${usageEvents.occurredAt})`.mapWith(usageEvents.occurredAt),
    })
    .from(usageEvents)
    .where(and(eq(usageEvents.orgId, ctx.orgId), eq(usageEvents.grantId, grantId)))
    .groupBy(usageEvents.permission);
  return summarizeGrantUsage(grant.id, grant.roleSpec.cloud, grant.roleSpec.permissions, rows);
}

type Observed = { permission: string; allowed: number; denied: number; first: Date; last: Date };

/** Pure: folds observed calls (one row per logged permission spelling) onto the role's permissions. */
export function summarizeGrantUsage(
  grantId: string,
  cloud: Cloud,
  granted: string[],
  observed: Observed[],
): GrantUsageDto {
  const byKey = new Map<string, PermissionUsageDto>();
  for (const p of granted)
    byKey.set(permissionKey(cloud, p), {
      permission: p,
      granted: true,
      allowed: 0,
      denied: 0,
      firstSeen: null,
      lastSeen: null,
    });
  for (const o of observed) {
    const key = permissionKey(cloud, o.permission);
    const entry = byKey.get(key) ?? {
      permission: o.permission,
      granted: false,
      allowed: 0,
      denied: 0,
      firstSeen: null,
      lastSeen: null,
    };
    entry.allowed += o.allowed;
    entry.denied += o.denied;
    entry.firstSeen = minIso(entry.firstSeen, o.first.toISOString());
    entry.lastSeen = maxIso(entry.lastSeen, o.last.toISOString());
    byKey.set(key, entry);
  }
  const all = [...byKey.values()];
  const rank = (p: PermissionUsageDto) => (p.granted ? (p.allowed > 0 ? 0 : 1) : 2);
  all.sort((a, b) => rank(a) - rank(b) || b.allowed - a.allowed || a.permission.localeCompare(b.permission));
  const grantedRows = all.filter((p) => p.granted);
  return {
    grantId,
    cloud,
    grantedCount: grantedRows.length,
    usedCount: grantedRows.filter((p) => p.allowed > 0).length,
    allowedCalls: all.reduce((n, p) => n + p.allowed, 0),
    deniedCalls: all.reduce((n, p) => n + p.denied, 0),
    firstUse: all.reduce<string | null>((m, p) => minIso(m, p.firstSeen), null),
    lastUse: all.reduce<string | null>((m, p) => maxIso(m, p.lastSeen), null),
    permissions: all,
  };
}

// ISO 8601 UTC strings of one format compare in time order.
const minIso = (a: string | null, b: string | null) => (a === null ? b : b === null || a <= b ? a : b);
const maxIso = (a: string | null, b: string | null) => (a === null ? b : b === null || a >= b ? a : b);
