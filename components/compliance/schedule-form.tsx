import { createScheduleAction, deleteScheduleAction } from "@/app/reports/compliance/actions";
import { ActionForm } from "@/components/requests/action-form";
import { Button } from "@/components/ui/button";
import { Time } from "@/components/ui/time";
import type { ReportScheduleDto } from "@/lib/compliance/schedules";

const FIELD = "rounded-md border border-input bg-background px-2 py-1 text-sm";

/** Scheduled deliveries of the access report: the list, and (for admins) the form to add one. */
export function ScheduleSection({
  schedules,
  canManage,
}: {
  schedules: ReportScheduleDto[];
  canManage: boolean;
}) {
  return (
    <div className="space-y-4">
      {schedules.length === 0 ? (
        <p className="text-sm text-muted-foreground">No scheduled deliveries.</p>
      ) : (
        <ul className="divide-y divide-border text-sm" aria-label="Scheduled deliveries">
          {schedules.map((s) => (
            <li key={s.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
              <span>
                <strong>{s.name}</strong>: every {s.periodDays} day(s), {s.format.toUpperCase()} by {s.by}, to{" "}
                {s.channel === "email" ? s.recipients.join(", ") : `webhook ${s.webhookUrl}`}. Next{" "}
                <Time value={s.nextRunAt} />
                {s.lastStatus ? ` · last: ${s.lastStatus}${s.lastError ? ` (${s.lastError})` : ""}` : ""}
              </span>
              {canManage ? (
                <ActionForm action={deleteScheduleAction} label={`Stop ${s.name}`}>
                  <input type="hidden" name="scheduleId" value={s.id} />
                  <Button type="submit" variant="secondary" size="sm">
                    Stop
                  </Button>
                </ActionForm>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {canManage ? (
        <ActionForm
          action={createScheduleAction}
          label="Add a scheduled delivery"
          className="flex flex-wrap items-end gap-3 text-sm"
        >
          <label className="flex flex-col gap-1">
            Name
            <input name="name" required className={FIELD} />
          </label>
          <label className="flex flex-col gap-1">
            Every (days)
            <input
              name="periodDays"
              type="number"
              min={1}
              max={366}
              defaultValue={7}
              className={`${FIELD} w-20`}
            />
          </label>
          <label className="flex flex-col gap-1">
            By
            <select name="by" className={FIELD} defaultValue="person">
              <option value="person">Person</option>
              <option value="target">Target</option>
              <option value="template">Template</option>
            </select>
          </label>
          <label className="flex flex-col gap-1">
            Format
            <select name="format" className={FIELD} defaultValue="pdf">
              <option value="pdf">PDF</option>
              <option value="csv">CSV</option>
              <option value="json">JSON</option>
            </select>
          </label>
          <label className="flex flex-col gap-1">
            Channel
            <select name="channel" className={FIELD} defaultValue="email">
              <option value="email">Email</option>
              <option value="webhook">Signed webhook</option>
            </select>
          </label>
          <label className="flex flex-col gap-1">
            Recipients (email)
            <input name="recipients" placeholder="audit@example.com" className={FIELD} />
          </label>
          <label className="flex flex-col gap-1">
            Webhook URL
            <input name="webhookUrl" placeholder="https://…" className={FIELD} />
          </label>
          <label className="flex flex-col gap-1">
            Webhook secret
            <input name="webhookSecret" type="password" autoComplete="off" className={FIELD} />
          </label>
          <Button type="submit">Add delivery</Button>
        </ActionForm>
      ) : null}
    </div>
  );
}
