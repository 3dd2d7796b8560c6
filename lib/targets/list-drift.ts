import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { auditEvents, targets } from "@/db/schema";
import { assertPermission, type Ctx } from "@/lib/ctx";
import { parseInput } from "@/lib/errors";
import { getTargetInOrgOrThrow } from "@/lib/requests/queries";
import { type ListDriftInput, ListDriftInput as Schema } from "./schemas";

/** Audit actions the drift check writes (lib/grants/reconcile-drift.ts). */
export const DRIFT_ACTIONS = ["drift.removed", "drift.remove_failed"] as const;

export type DriftEventDto = {
  at: string;
  outcome: "removed" | "failed";
  targetId: string | null;
  targetName: string | null;
  bindingId: string;
  grantId: string | null;
  roleName: string | null;
  error: string | null;
  requestIds: string[];
  /** A failure that a later pass removed after all (listed newer in the same answer). */
  resolved: boolean;
};

const str = (v: unknown) => (typeof v === "string" ? v : null);

/**
 * Cloud artifacts tagged as Elevate's that no live grant explained: the ones the reconciler removed and
 * the ones it could not (still there, alerting), newest first, read from the audit chain.
 */
export async function listDrift({
  ctx,
  input = {},
}: {
  ctx: Ctx;
  input?: ListDriftInput;
}): Promise<DriftEventDto[]> {
  assertPermission(ctx, "targets.manage");
  const { targetId, limit } = parseInput(Schema, input);
  if (targetId !== undefined) await getTargetInOrgOrThrow(ctx.db, ctx.orgId, targetId);
  const rows = await ctx.db
    .select({
      at: auditEvents.createdAt,
      action: auditEvents.action,
      subjectId: auditEvents.subjectId,
      data: auditEvents.data,
      targetName: targets.name,
    })
    .from(auditEvents)
    .leftJoin(
      targets,
      and(eq(targets.orgId, auditEvents.orgId), sql`${targets.id}::text = ${auditEvents.data}->>'targetId'`),
    )
    .where(
      and(
        eq(auditEvents.orgId, ctx.orgId),
        inArray(auditEvents.action, [...DRIFT_ACTIONS]),
        targetId ? sql`${auditEvents.data}->>'targetId' = ${targetId}` : undefined,
      ),
    )
    .orderBy(desc(auditEvents.seq))
    .limit(limit);
  const removedSince = new Set<string>();
  return rows.map((r) => {
    const resolved = r.action !== "drift.removed" && removedSince.has(r.subjectId);
    if (r.action === "drift.removed") removedSince.add(r.subjectId);
    return toDto(r, resolved);
  });
}

type Row = {
  at: Date;
  action: string;
  subjectId: string;
  data: Record<string, unknown>;
  targetName: string | null;
};

function toDto(r: Row, resolved: boolean): DriftEventDto {
  return {
    at: r.at.toISOString(),
    outcome: r.action === "drift.removed" ? "removed" : "failed",
    targetId: str(r.data.targetId),
    targetName: r.targetName,
    bindingId: r.subjectId,
    grantId: str(r.data.grantId),
    roleName: str(r.data.roleName),
    error: str(r.data.error),
    requestIds: Array.isArray(r.data.requestIds)
      ? r.data.requestIds.filter((x): x is string => typeof x === "string")
      : [],
    resolved,
  };
}
