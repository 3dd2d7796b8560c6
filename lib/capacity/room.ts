import type { Db } from "@/db/client";
import type { RoleSpec } from "@/db/schema";
import { CloudError, type TargetRow } from "@/lib/clouds/port";
import type { Ctx } from "@/lib/ctx";
import { type GrantRow, reserveRole } from "@/lib/grants/queries";
import { collectRoles } from "@/lib/grants/reconcile-roles";
import { logger } from "@/lib/log";
import { watchCapacity } from "./alert";
import { type CloudLimits, limitsFor, slotsOf } from "./limits";
import { roleIsCounted, type TargetUsage, usageOf } from "./usage";

/** Unused roles one early collection may delete on a full target. */
const EARLY_COLLECT_BATCH = 200;

async function rolesOf(db: Db, target: TargetRow, now: Date): Promise<TargetUsage["roles"]> {
  const u = (await usageOf(db, [target], now, { bindings: false })).get(target.id);
  if (!u) throw new Error("unreachable: usage of a listed target");
  return u.roles;
}

/** The permanent failure when no room can be made: names the target, the limit and what to do. */
export function noRoomMessage(
  target: { name: string },
  roles: TargetUsage["roles"],
  need: number,
  limits: CloudLimits,
): string {
  const what = need === 1 ? "a new role" : `a permission set of ${need} managed policies`;
  const parts = [
    `Target "${target.name}" has no room for ${what}: ${roles.used} of ${roles.limit} ${roles.what} are taken and every one is used by a live grant.`,
  ];
  if (roles.recentlyDeleted > 0) {
    parts.push(
      `${roles.recentlyDeleted} of them were deleted in the last 7 days and count until permanently deleted; the next slot frees at ${roles.nextFreeAt}.`,
    );
  }
  parts.push(
    "Revoke grants that are no longer needed, or ask for a task that live grants already use (it reuses their role).",
    `If the cloud's quota was raised, set the target's roleQuota setting to match${limits.roles.doc ? ` (${limits.roles.doc})` : ""}.`,
  );
  return parts.join(" ");
}

/**
 * Makes sure a new role fits before it is reserved: a reused role needs no slot; otherwise a full target
 * has its unused roles deleted at once, and if that is not enough the grant fails with a clear message.
 */
export async function ensureRoom(db: Db, target: TargetRow, spec: RoleSpec, now = new Date()): Promise<void> {
  if (await roleIsCounted(db, target, spec.hash, now)) return;
  const need = slotsOf(target.adapter, spec);
  let roles = await rolesOf(db, target, now);
  if (roles.used + need <= roles.limit) return;
  if (roles.unused > 0) {
    const deleted = await collectRoles(db, now, 0, EARLY_COLLECT_BATCH, target.orgId, target.id);
    logger.info({ orgId: target.orgId, targetId: target.id, deleted }, "collected unused roles early");
    roles = await rolesOf(db, target, now);
    if (roles.used + need <= roles.limit) return;
    // Some could not be deleted just now (a cloud error): the garbage collector retries, so may we.
    if (roles.unused > 0) {
      throw new CloudError("retryable", `target ${target.name} is full and unused roles are not deleted yet`);
    }
  }
  throw new CloudError("permanent", noRoomMessage(target, roles, need, limitsFor(target)));
}

/**
 * provisionGrant's reservation within the target's limits: room first, then the reference (reserveRole),
 * then the alert check on the usage that now includes it.
 */
export async function reserveRoleWithin(ctx: Ctx, target: TargetRow, g: GrantRow): Promise<boolean> {
  await ensureRoom(ctx.db, target, g.roleSpec);
  const reserved = await reserveRole(ctx.db, g);
  if (reserved) {
    await watchCapacity(ctx.db, target).catch((err: unknown) =>
      logger.warn({ orgId: ctx.orgId, targetId: target.id, err }, "capacity alert check failed"),
    );
  }
  return reserved;
}
