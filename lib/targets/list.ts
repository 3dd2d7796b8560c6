import { and, asc, desc, eq } from "drizzle-orm";
import { auditEvents, targets } from "@/db/schema";
import { type TargetUsage, usageOf } from "@/lib/capacity/usage";
import { assertPermission, type Ctx } from "@/lib/ctx";
import { type ConnectionCheckDto, type TargetDetailDto, toTargetDto } from "./dto";

export type AdminTargetDto = TargetDetailDto & {
  lastCheck: ConnectionCheckDto | null;
  /** Custom roles (and per-grant bindings, where the cloud limits them) used against the target's limits. */
  capacity: TargetUsage | null;
};

/** Every target of the org with its settings (references only), latest connection test and quota use. */
export async function listTargetsForAdmin({ ctx }: { ctx: Ctx }): Promise<AdminTargetDto[]> {
  assertPermission(ctx, "targets.manage");
  const [rows, checks] = await Promise.all([
    ctx.db.select().from(targets).where(eq(targets.orgId, ctx.orgId)).orderBy(asc(targets.name)),
    ctx.db
      .selectDistinctOn([auditEvents.subjectId], {
        targetId: auditEvents.subjectId,
        at: auditEvents.createdAt,
        data: auditEvents.data,
      })
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.orgId, ctx.orgId),
          eq(auditEvents.subjectType, "target"),
          eq(auditEvents.action, "target.tested"),
        ),
      )
      .orderBy(auditEvents.subjectId, desc(auditEvents.seq)),
  ]);
  const last = new Map(checks.map((c) => [c.targetId, c]));
  const usage = await usageOf(ctx.db, rows);
  return rows.map((row) => {
    const c = last.get(row.id);
    return {
      ...toTargetDto(row),
      capacity: usage.get(row.id) ?? null,
      lastCheck: c
        ? {
            ok: c.data.ok === true,
            checkedAt: c.at.toISOString(),
            message: typeof c.data.message === "string" ? c.data.message : "",
            requestIds: Array.isArray(c.data.requestIds)
              ? c.data.requestIds.filter((x): x is string => typeof x === "string")
              : [],
          }
        : null,
    };
  });
}
