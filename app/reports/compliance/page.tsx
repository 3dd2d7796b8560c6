import { ControlsList } from "@/components/compliance/controls-list";
import { ScheduleSection } from "@/components/compliance/schedule-form";
import { ChartCard } from "@/components/reports/chart-card";
import { TitledCard } from "@/components/ui/card";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { requireSessionCtx } from "@/lib/auth/session";
import { type AccessReport, buildAccessReport, SECTION_CONTROLS } from "@/lib/compliance";
import { listReportSchedules } from "@/lib/compliance/schedules";
import { hasPermission } from "@/lib/ctx";
import { AppError } from "@/lib/errors";

export const metadata = { title: "Compliance reports" };

const FIELD = "rounded-md border border-input bg-background px-2 py-1 text-sm";
const DAY_MS = 86_400_000;
const SHOWN_ROWS = 200;
const one = (v: string | string[] | undefined) => [v].flat()[0]?.trim().slice(0, 40) || undefined;
const day = (d: Date) => d.toISOString().slice(0, 10);

export default async function CompliancePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await requireSessionCtx("audit.read");
  const sp = await searchParams;
  const today = new Date(`${day(new Date())}T00:00:00Z`);
  const defaults = {
    from: day(new Date(today.getTime() - 30 * DAY_MS)),
    to: day(new Date(today.getTime() + DAY_MS)),
    by: "person" as const,
  };
  const input = {
    from: one(sp.from) ?? defaults.from,
    to: one(sp.to) ?? defaults.to,
    by: (one(sp.by) ?? "person") as "person",
  };
  let invalid: string | null = null;
  let report: AccessReport;
  try {
    report = await buildAccessReport({ ctx, input });
  } catch (err) {
    if (!(err instanceof AppError && err.code === "validation")) throw err;
    invalid = err.message;
    Object.assign(input, defaults);
    report = await buildAccessReport({ ctx, input });
  }
  const q = (format: string) =>
    `/reports/compliance/export?${new URLSearchParams({ from: input.from, to: input.to, by: input.by, format })}`;
  const schedules = await listReportSchedules({ ctx });
  const sa = report.standingAccess;
  const grants = report.access.reduce((n, g) => n + g.grants, 0);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">Compliance reports</h1>
        <p className="text-sm text-muted-foreground">
          Access from {report.from.slice(0, 10)} to {report.to.slice(0, 10)} (UTC, end exclusive), by{" "}
          {report.by}. Each section names the controls it evidences.
        </p>
      </div>
      {invalid ? (
        <p role="alert" className="text-sm text-destructive">
          Filters ignored: {invalid}
        </p>
      ) : null}
      <div className="flex flex-wrap items-end justify-between gap-4">
        <form method="get" aria-label="Period" className="flex flex-wrap items-end gap-3 text-sm">
          <label className="flex flex-col gap-1">
            From
            <input type="date" name="from" defaultValue={input.from.slice(0, 10)} className={FIELD} />
          </label>
          <label className="flex flex-col gap-1">
            To
            <input type="date" name="to" defaultValue={input.to.slice(0, 10)} className={FIELD} />
          </label>
          <label className="flex flex-col gap-1">
            Group by
            <select name="by" defaultValue={input.by} className={FIELD}>
              <option value="person">Person</option>
              <option value="target">Target</option>
              <option value="template">Template</option>
            </select>
          </label>
          <button type="submit" className="rounded-md border border-input px-3 py-1 font-medium">
            Show report
          </button>
        </form>
        <nav aria-label="Download the report" className="flex gap-2 text-sm">
          {(["pdf", "csv", "json"] as const).map((f) => (
            <a
              key={f}
              href={q(f)}
              download
              className="rounded-md border border-input px-3 py-1 font-medium"
              data-testid={`download-${f}`}
            >
              Download {f.toUpperCase()}
            </a>
          ))}
        </nav>
      </div>

      <TitledCard
        id="standing-access"
        title="Standing access"
        description={`Checked ${sa.checkedAt} against each target's inventory of Elevate-tagged roles and bindings.`}
      >
        <ControlsList labels={report.controls.standingAccess} />
        <p
          className={sa.accounted ? "text-sm" : "text-sm font-medium text-destructive"}
          data-testid="standing-access-statement"
        >
          {sa.accounted
            ? `Every Elevate-managed binding (${sa.bindings}) and role (${sa.roles}) on ${sa.targets} target(s) is accounted for by a live grant.`
            : `Not accounted for: ${sa.unaccounted.length} artifact(s); ${sa.errors.length} target(s) could not be read.`}
        </p>
        {sa.unaccounted.length + sa.errors.length > 0 ? (
          <Table className="mt-3">
            <THead>
              <TR>
                <TH>Target</TH>
                <TH>Kind</TH>
                <TH>Name or error</TH>
              </TR>
            </THead>
            <TBody>
              {sa.unaccounted.map((u) => (
                <TR key={`${u.target}-${u.name}`}>
                  <TD>{u.target}</TD>
                  <TD>{u.kind}</TD>
                  <TD className="font-mono text-xs">{u.name}</TD>
                </TR>
              ))}
              {sa.errors.map((e) => (
                <TR key={e.target}>
                  <TD>{e.target}</TD>
                  <TD>not checked</TD>
                  <TD>{e.error}</TD>
                </TR>
              ))}
            </TBody>
          </Table>
        ) : null}
      </TitledCard>

      <TitledCard
        id="access"
        title={`Access by ${report.by}`}
        description={`${grants} grant(s) live in the period, with approvals and removal proof.`}
      >
        <ControlsList
          labels={[
            ...new Set([...report.controls.access, ...report.controls.approvals, ...report.controls.removal]),
          ]}
        />
        {report.access.length === 0 ? (
          <p className="text-sm text-muted-foreground">No grant was live in this period.</p>
        ) : (
          <Table>
            <THead>
              <TR>
                <TH>{report.by === "person" ? "Person" : report.by === "target" ? "Target" : "Template"}</TH>
                <TH>Grant</TH>
                <TH>Live</TH>
                <TH>Approved by</TH>
                <TH>Removal proof</TH>
              </TR>
            </THead>
            <TBody>
              {report.access.flatMap((g) =>
                g.rows.slice(0, SHOWN_ROWS).map((r, i) => (
                  <TR key={r.grantId}>
                    <TD>{i === 0 ? `${g.key} (${g.grants})` : ""}</TD>
                    <TD>
                      {report.by !== "person" ? `${r.person} · ` : ""}
                      {report.by !== "target" ? `${r.target} · ` : ""}
                      {report.by !== "template" ? r.template : ""}
                    </TD>
                    <TD className="text-xs">
                      {r.activatedAt?.slice(0, 16).replace("T", " ")} to{" "}
                      {(r.revokedAt ?? r.expiresAt)?.slice(0, 16).replace("T", " ")} ({r.status})
                    </TD>
                    <TD className="text-xs">
                      {r.approvals.map((a) => `${a.approver} (${a.channel})`).join(", ") || "-"}
                    </TD>
                    <TD className="text-xs">
                      {r.removal
                        ? `${r.removal.absentOnReadBack ? "absent on read-back" : r.removal.absentOnReadBack === false ? "STILL PRESENT" : "no read-back"}; ${r.removal.cloudRequestIds.length} cloud request id(s)`
                        : "not removed yet"}
                    </TD>
                  </TR>
                )),
              )}
            </TBody>
          </Table>
        )}
      </TitledCard>

      <div className="grid gap-6 lg:grid-cols-2">
        <ChartCard
          id="lateness"
          title="Revocation lateness"
          description={`${report.lateness.count} expiries removed in the period; p95 ${report.lateness.p95 ?? "-"} s. ${report.controls.lateness.map((l) => l.split(" ").slice(0, -1).join(" ")).length} controls: ${SECTION_CONTROLS.lateness.map((c) => `${c.framework} ${c.id}`).join(", ")}.`}
          kind="bar"
          x="label"
          series={[{ key: "count", label: "Grants" }]}
          columns={[
            { key: "label", label: "Lateness" },
            { key: "count", label: "Grants" },
          ]}
          rows={report.lateness.buckets}
          empty="No grant expired in this period"
        />
        <TitledCard
          id="break-glass"
          title="Break-glass use"
          description={`${report.breakGlass.count} in the period.`}
        >
          <ControlsList labels={report.controls.breakGlass} />
          <SimpleTable
            columns={["When", "Who", "Request"]}
            rows={report.breakGlass.events.map((b) => [b.at, b.actor, b.subjectId])}
            empty="No break-glass use."
          />
        </TitledCard>
      </div>

      <TitledCard
        id="failures"
        title="Failed or stuck grants"
        description="Each grant that failed, retried or stalled in the period, and how it was resolved."
      >
        <ControlsList labels={report.controls.failures} />
        <SimpleTable
          columns={["Grant", "Person", "Target", "Resolution"]}
          rows={report.failures.map((f) => [f.grantId.slice(0, 8), f.person, f.target, f.resolution])}
          empty="No failed or stuck grant."
        />
      </TitledCard>

      <TitledCard
        id="self-approvals"
        title="Refused self-approvals"
        description="Attempts to decide one's own request, refused."
      >
        <ControlsList labels={report.controls.selfApproval} />
        <SimpleTable
          columns={["When", "Person", "Request", "Channel"]}
          rows={report.selfApprovals.map((s) => [s.at, s.person, s.requestId.slice(0, 8), s.channel])}
          empty="No self-approval was attempted."
        />
      </TitledCard>

      <TitledCard
        id="schedules"
        title="Scheduled delivery"
        description="The access report sent by email or signed webhook, covering the period before each run."
      >
        <ScheduleSection schedules={schedules} canManage={hasPermission(ctx, "compliance.manage")} />
      </TitledCard>

      <TitledCard
        id="control-mapping"
        title="Control mapping"
        description="Which controls each section evidences (docs/compliance.md)."
      >
        <SimpleTable
          columns={["Section", "Controls"]}
          rows={Object.entries(SECTION_CONTROLS).map(([k, refs]) => [
            k,
            refs.map((c) => `${c.framework} ${c.id} ${c.title}`).join("; "),
          ])}
          empty=""
        />
      </TitledCard>
    </div>
  );
}

function SimpleTable({ columns, rows, empty }: { columns: string[]; rows: string[][]; empty: string }) {
  if (rows.length === 0) return <p className="text-sm text-muted-foreground">{empty}</p>;
  return (
    <Table>
      <THead>
        <TR>
          {columns.map((c) => (
            <TH key={c}>{c}</TH>
          ))}
        </TR>
      </THead>
      <TBody>
        {rows.slice(0, SHOWN_ROWS).map((r) => (
          <TR key={r.join("|")}>
            {r.map((cell, j) => (
              <TD key={columns[j]} className="text-xs">
                {cell}
              </TD>
            ))}
          </TR>
        ))}
      </TBody>
    </Table>
  );
}
