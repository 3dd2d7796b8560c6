import { and, eq, gt } from "drizzle-orm";
import type { Db } from "@/db/client";
import { sandboxBindings, sandboxRoles, targets } from "@/db/schema";
import { permissionMatches, permissionsOf } from "./documents";

/** Optional per-target setting: a new binding takes this long to apply, as real IAM does (GCP: minutes). */
export function propagationDelayMs(settings: Record<string, unknown>): number {
  const v = settings.propagationDelayMs;
  return typeof v === "number" && Number.isFinite(v) && v > 0 ? v : 0;
}

/**
 * Would the sandbox let `principal` use `permission` at instant `at`? Answers as the cloud would: only a
 * binding that has propagated and whose expiry condition (`notAfter`) is still in the future counts.
 */
export async function isAllowed(
  db: Db,
  targetId: string,
  principal: string,
  permission: string,
  at: Date,
): Promise<boolean> {
  const [target] = await db
    .select({ cloud: targets.cloud, settings: targets.settings })
    .from(targets)
    .where(eq(targets.id, targetId));
  if (!target) return false;
  const delay = propagationDelayMs(target.settings);
  const rows = await db
    .select({ createdAt: sandboxBindings.createdAt, document: sandboxRoles.document })
    .from(sandboxBindings)
    .innerJoin(
      sandboxRoles,
      and(
        eq(sandboxRoles.targetId, sandboxBindings.targetId),
        eq(sandboxRoles.roleName, sandboxBindings.roleName),
      ),
    )
    .where(
      and(
        eq(sandboxBindings.targetId, targetId),
        eq(sandboxBindings.principal, principal),
        gt(sandboxBindings.notAfter, at),
      ),
    );
  return rows.some(
    (r) =>
      r.createdAt.getTime() + delay <= at.getTime() &&
      permissionsOf(target.cloud, r.document).some((p) => permissionMatches(target.cloud, p, permission)),
  );
}
