import { and, asc, eq, isNull, lte } from "drizzle-orm";
import type { Db } from "@/db/client";
import { reportSchedules } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { sendMail } from "@/lib/delivery/email";
import { postSignedWebhook } from "@/lib/delivery/webhook";
import { logger } from "@/lib/log";
import { systemCtx } from "@/lib/workflows/system-ctx";
import { buildAccessReport } from "../access-report";
import { renderAccessReport } from "../export";
import { webhookUrlProblem } from "./webhook-policy";

const DAY_MS = 86_400_000;
/** Deliveries of one run before it is given up (audited) and the schedule moves to its next run. */
export const MAX_DELIVERY_ATTEMPTS = 5;
/** Wait before retry n (1-based): 1 min, 5 min, 15 min, 1 h. */
export const RETRY_DELAYS_MS = [60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000];
/** A claimed run is invisible to other passes this long (another instance, the Inngest cron). */
const LEASE_MS = 10 * 60_000;

type Row = typeof reportSchedules.$inferSelect;
export type RunDueResult = { delivered: number; retrying: number; failed: number };

/**
 * Delivers every schedule due at `now` (the Inngest cron and the embedded timer both call this). Each run
 * is claimed first (its next run moved past a lease), so two passes never send the same run twice; a
 * failed delivery is retried with backoff up to MAX_DELIVERY_ATTEMPTS, then audited as failed.
 */
export async function runDueReportSchedules({
  db,
  now = new Date(),
  orgId,
  smtpUrl,
}: {
  db: Db;
  now?: Date;
  orgId?: string;
  smtpUrl?: string;
}): Promise<RunDueResult> {
  const out: RunDueResult = { delivered: 0, retrying: 0, failed: 0 };
  const due = await db
    .select()
    .from(reportSchedules)
    .where(
      and(
        isNull(reportSchedules.disabledAt),
        lte(reportSchedules.nextRunAt, now),
        orgId ? eq(reportSchedules.orgId, orgId) : undefined,
      ),
    )
    .orderBy(asc(reportSchedules.nextRunAt))
    .limit(100);
  for (const s of due) {
    const [claimed] = await db
      .update(reportSchedules)
      .set({ nextRunAt: new Date(now.getTime() + LEASE_MS) })
      .where(and(eq(reportSchedules.id, s.id), eq(reportSchedules.nextRunAt, s.nextRunAt)))
      .returning({ id: reportSchedules.id });
    if (!claimed) continue;
    const outcome = await deliverOne(db, s, now, smtpUrl);
    out[outcome] += 1;
  }
  return out;
}

/** The run's period ends at its scheduled time, not at the time of the attempt, so retries send the same report. */
function periodOf(s: Row): { from: Date; to: Date; runAt: Date } {
  const runAt = s.lastRunAt && s.attempts > 0 ? s.lastRunAt : s.nextRunAt;
  return { from: new Date(runAt.getTime() - s.periodDays * DAY_MS), to: runAt, runAt };
}

async function deliverOne(db: Db, s: Row, now: Date, smtpUrl?: string): Promise<keyof RunDueResult> {
  const { from, to, runAt } = periodOf(s);
  const ctx = systemCtx(db, s.orgId, "report-schedules");
  try {
    const report = await buildAccessReport({
      ctx,
      input: { from: from.toISOString(), to: to.toISOString(), by: s.grouping },
    });
    const file = await renderAccessReport(report, s.format);
    const summary = `Access report ${report.from} to ${report.to} by ${report.by}: ${report.access.reduce((n, g) => n + g.grants, 0)} grants, ${report.failures.length} failed or stuck, ${report.selfApprovals.length} refused self-approvals, ${report.breakGlass.count} break-glass, standing access ${report.standingAccess.accounted ? "accounted for" : "NOT accounted for"}.`;
    if (s.channel === "email") {
      await sendMail(
        {
          to: s.recipients,
          subject: `Elevate: ${s.name} (${report.from.slice(0, 10)} to ${report.to.slice(0, 10)})`,
          text: `${summary}\n\nThe full report is attached (${file.filename}).`,
          attachments: [
            { filename: file.filename, content: Buffer.from(file.body), contentType: file.contentType },
          ],
        },
        { smtpUrl },
      );
    } else {
      const problem = webhookUrlProblem(s.webhookUrl ?? "");
      if (problem || !s.webhookSecret) throw new Error(`webhook refused: ${problem ?? "no secret"}`);
      const content = typeof file.body === "string" ? file.body : Buffer.from(file.body).toString("base64");
      const res = await postSignedWebhook(s.webhookUrl ?? "", s.webhookSecret, {
        type: "elevate.report.access",
        scheduleId: s.id,
        name: s.name,
        summary,
        filename: file.filename,
        contentType: file.contentType,
        encoding: typeof file.body === "string" ? "utf8" : "base64",
        content,
      });
      if (res.status >= 400) throw new Error(`webhook answered ${res.status}`);
    }
    await finish(
      db,
      s,
      {
        nextRunAt: nextRun(s, runAt, now),
        lastRunAt: runAt,
        lastStatus: "delivered",
        lastError: null,
        attempts: 0,
      },
      "report.delivered",
      { from: report.from, to: report.to, channel: s.channel },
    );
    return "delivered";
  } catch (err) {
    const error = (err instanceof Error ? err.message : String(err)).slice(0, 500);
    const attempts = s.attempts + 1;
    logger.warn(
      { job: "report-schedules", orgId: s.orgId, scheduleId: s.id, attempts, error },
      "report delivery failed",
    );
    if (attempts >= MAX_DELIVERY_ATTEMPTS) {
      await finish(
        db,
        s,
        {
          nextRunAt: nextRun(s, runAt, now),
          lastRunAt: runAt,
          lastStatus: "failed",
          lastError: error,
          attempts: 0,
        },
        "report.delivery_failed",
        { from: from.toISOString(), to: to.toISOString(), attempts, error },
      );
      return "failed";
    }
    const delay = RETRY_DELAYS_MS[Math.min(attempts, RETRY_DELAYS_MS.length) - 1];
    await db
      .update(reportSchedules)
      .set({
        nextRunAt: new Date(now.getTime() + delay),
        lastRunAt: runAt,
        lastStatus: "retrying",
        lastError: error,
        attempts,
      })
      .where(eq(reportSchedules.id, s.id));
    return "retrying";
  }
}

/** The first scheduled time after `now`, stepping by the period from this run (missed runs are not replayed). */
function nextRun(s: Row, runAt: Date, now: Date): Date {
  const step = s.periodDays * DAY_MS;
  const skipped = Math.max(1, Math.ceil((now.getTime() - runAt.getTime() + 1) / step));
  return new Date(runAt.getTime() + skipped * step);
}

async function finish(db: Db, s: Row, set: Partial<Row>, action: string, data: Record<string, unknown>) {
  await db.transaction(async (tx) => {
    await tx.update(reportSchedules).set(set).where(eq(reportSchedules.id, s.id));
    await appendAudit(tx, systemCtx(tx, s.orgId, "report-schedules"), {
      action,
      subjectType: "report_schedule",
      subjectId: s.id,
      data: { name: s.name, ...data },
    });
  });
}
