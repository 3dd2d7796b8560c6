import { and, asc, eq, isNull } from "drizzle-orm";
import { reportSchedules } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { assertPermission, type Ctx } from "@/lib/ctx";
import { NotFound, parseInput } from "@/lib/errors";
import { CreateScheduleInput, ScheduleIdInput } from "./schemas";

export type ReportScheduleDto = {
  id: string;
  name: string;
  by: string;
  format: string;
  periodDays: number;
  channel: string;
  recipients: string[];
  webhookUrl: string | null;
  nextRunAt: string;
  lastRunAt: string | null;
  lastStatus: string | null;
  lastError: string | null;
  attempts: number;
};

type Row = typeof reportSchedules.$inferSelect;
/** The webhook secret is never read back. */
export const toScheduleDto = (r: Row): ReportScheduleDto => ({
  id: r.id,
  name: r.name,
  by: r.grouping,
  format: r.format,
  periodDays: r.periodDays,
  channel: r.channel,
  recipients: r.recipients,
  webhookUrl: r.webhookUrl,
  nextRunAt: r.nextRunAt.toISOString(),
  lastRunAt: r.lastRunAt?.toISOString() ?? null,
  lastStatus: r.lastStatus,
  lastError: r.lastError,
  attempts: r.attempts,
});

export async function createReportSchedule({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: CreateScheduleInput;
}): Promise<ReportScheduleDto> {
  assertPermission(ctx, "compliance.manage");
  const v = parseInput(CreateScheduleInput, input);
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(reportSchedules)
      .values({
        orgId: ctx.orgId,
        name: v.name,
        grouping: v.by,
        format: v.format,
        periodDays: v.periodDays,
        channel: v.channel,
        recipients: v.channel === "email" ? v.recipients : [],
        webhookUrl: v.channel === "webhook" ? (v.webhookUrl ?? null) : null,
        webhookSecret: v.channel === "webhook" ? (v.webhookSecret ?? null) : null,
        nextRunAt: v.firstRunAt ?? new Date(),
        createdBy: ctx.actor.type === "system" ? null : ctx.actor.userId,
      })
      .returning();
    await appendAudit(tx, ctx, {
      action: "report_schedule.created",
      subjectType: "report_schedule",
      subjectId: row.id,
      data: {
        name: row.name,
        channel: row.channel,
        recipients: row.recipients,
        webhookUrl: row.webhookUrl,
        periodDays: row.periodDays,
        format: row.format,
      },
    });
    return toScheduleDto(row);
  });
}

export async function listReportSchedules({ ctx }: { ctx: Ctx }): Promise<ReportScheduleDto[]> {
  assertPermission(ctx, "audit.read");
  const rows = await ctx.db
    .select()
    .from(reportSchedules)
    .where(and(eq(reportSchedules.orgId, ctx.orgId), isNull(reportSchedules.disabledAt)))
    .orderBy(asc(reportSchedules.createdAt));
  return rows.map(toScheduleDto);
}

export async function deleteReportSchedule({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { scheduleId: string };
}): Promise<void> {
  assertPermission(ctx, "compliance.manage");
  const { scheduleId } = parseInput(ScheduleIdInput, input);
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(reportSchedules)
      .set({ disabledAt: new Date() })
      .where(
        and(
          eq(reportSchedules.id, scheduleId),
          eq(reportSchedules.orgId, ctx.orgId),
          isNull(reportSchedules.disabledAt),
        ),
      )
      .returning();
    if (!row) throw NotFound("Report schedule");
    await appendAudit(tx, ctx, {
      action: "report_schedule.deleted",
      subjectType: "report_schedule",
      subjectId: row.id,
      data: { name: row.name },
    });
  });
}
