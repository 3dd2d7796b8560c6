import type { Db } from "@/db/client";
import { type Ctx, hasPermission } from "@/lib/ctx";
import { type AppError, Forbidden, NotFound } from "@/lib/errors";
import { type GrantRow, isGroupMember, type RequestRow } from "./queries";

/** A grant is visible to its own user (grants.read.own) and to holders of grants.read.all. */
export function canSeeGrant(ctx: Ctx, grant: Pick<GrantRow, "userId">): boolean {
  if (hasPermission(ctx, "grants.read.all")) return true;
  const actor = ctx.actor;
  return actor.type !== "system" && actor.userId === grant.userId && actor.permissions.has("grants.read.own");
}

/**
 * A request is visible to its requester (requests.read.own), to holders of requests.read.all, and to
 * current members of its approver group (read now, so a removal applies at once).
 */
export async function canSeeRequest(
  db: Db,
  ctx: Ctx,
  request: Pick<RequestRow, "requesterId" | "approverGroup"> & Partial<Pick<RequestRow, "policyOutcome">>,
): Promise<boolean> {
  if (hasPermission(ctx, "requests.read.all")) return true;
  const actor = ctx.actor;
  if (actor.type === "system") return false;
  if (request.requesterId === actor.userId && actor.permissions.has("requests.read.own")) return true;
  const groups = new Set([request.approverGroup, ...(request.policyOutcome?.decision.approverGroups ?? [])]);
  for (const g of groups) if (await isGroupMember(db, ctx.orgId, actor.userId, g)) return true;
  return false;
}

/**
 * The refusal for a caller who may not act on something: Forbidden only if they may see it; otherwise
 * the same NotFound as an unknown id, so refusals cannot tell anyone which ids exist.
 */
export function refuse(visible: boolean, what: "Grant" | "Request", message: string): AppError {
  return visible ? Forbidden(message) : NotFound(what);
}
