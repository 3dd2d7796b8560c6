import { and, asc, desc, eq } from "drizzle-orm";
import { auditEvents, targets } from "@/db/schema";
import { assertPermission, type Ctx } from "@/lib/ctx";
import { type ConnectionCheckDto, type TargetDetailDto, toTargetDto } from "./dto";

export type AdminTargetDto = TargetDetailDto & { lastCheck: ConnectionCheckDto | null };

/** Every target of the org with its settings (references only) and its latest connection test. */
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
  return rows.map((row) => {
    const c = last.get(row.id);
    return {
      ...toTargetDto(row),
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
