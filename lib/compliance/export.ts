import type { ReportFormat } from "@/db/schema/enums";
import { csvRow } from "@/lib/audit/csv";
import { type PdfDoc, renderPdf } from "@/lib/pdf";
import type { AccessReport, AccessRow } from "./report-types";

export type RenderedReport = { body: string | Uint8Array; contentType: string; filename: string };

const CSV_COLUMNS = [
  "section",
  "group",
  "grant_id",
  "request_id",
  "person",
  "target",
  "template",
  "status",
  "activated_at",
  "expires_at",
  "revoked_at",
  "approvals",
  "removal",
  "detail",
];

const approvalsText = (r: AccessRow) =>
  r.approvals
    .map(
      (a) => `${a.approver} ${a.verdict} via ${a.channel} at ${a.at}${a.comment ? ` ("${a.comment}")` : ""}`,
    )
    .join("; ");
const removalText = (r: AccessRow) =>
  r.removal
    ? `removed ${r.removal.at}; cloud request ids ${r.removal.cloudRequestIds.join(" ") || "(none)"}; read-back ${r.removal.absentOnReadBack === null ? "not recorded" : r.removal.absentOnReadBack ? "absent" : "STILL PRESENT"}`
    : r.status === "revoked"
      ? "removed, no read-back recorded"
      : "not removed yet";

/** The report in one of its three formats, with the file name a download or an attachment uses. */
export async function renderAccessReport(
  report: AccessReport,
  format: ReportFormat,
): Promise<RenderedReport> {
  const stem = `elevate-access-${report.from.slice(0, 10)}-${report.to.slice(0, 10)}-by-${report.by}`;
  if (format === "json")
    return {
      body: JSON.stringify(report, null, 2),
      contentType: "application/json",
      filename: `${stem}.json`,
    };
  if (format === "csv")
    return { body: accessReportCsv(report), contentType: "text/csv; charset=utf-8", filename: `${stem}.csv` };
  return {
    body: await renderPdf(accessReportPdf(report)),
    contentType: "application/pdf",
    filename: `${stem}.pdf`,
  };
}

/** One rectangular table: a `section` column says which part of the report each row belongs to. */
export function accessReportCsv(r: AccessReport): string {
  const out = [csvRow(CSV_COLUMNS)];
  const row = (v: Partial<Record<(typeof CSV_COLUMNS)[number], unknown>>) =>
    out.push(csvRow(CSV_COLUMNS.map((c) => v[c] ?? "")));
  for (const g of r.access)
    for (const a of g.rows)
      row({
        section: "access",
        group: g.key,
        grant_id: a.grantId,
        request_id: a.requestId,
        person: a.person,
        target: a.target,
        template: a.template,
        status: a.status,
        activated_at: a.activatedAt,
        expires_at: a.expiresAt,
        revoked_at: a.revokedAt,
        approvals: approvalsText(a),
        removal: removalText(a),
      });
  for (const b of r.lateness.buckets) row({ section: "lateness", group: b.label, detail: b.count });
  for (const f of r.failures)
    row({
      section: "failures",
      grant_id: f.grantId,
      person: f.person,
      target: f.target,
      status: f.status,
      detail: `${f.resolution}; ${f.events.join("; ")}${f.lastError ? `; last error: ${f.lastError}` : ""}`,
    });
  for (const s of r.selfApprovals)
    row({
      section: "self_approval_refused",
      request_id: s.requestId,
      person: s.person,
      detail: `${s.at} via ${s.channel}`,
    });
  for (const b of r.breakGlass.events)
    row({ section: "break_glass", person: b.actor, request_id: b.subjectId, detail: b.at });
  const sa = r.standingAccess;
  row({
    section: "standing_access",
    status: sa.accounted ? "accounted" : "NOT accounted",
    detail: `${sa.bindings} bindings and ${sa.roles} roles on ${sa.targets} targets, checked ${sa.checkedAt}`,
  });
  for (const u of sa.unaccounted)
    row({
      section: "standing_access",
      target: u.target,
      grant_id: u.grantId ?? "",
      status: `unaccounted ${u.kind}`,
      detail: u.name,
    });
  for (const e of sa.errors)
    row({ section: "standing_access", target: e.target, status: "not checked", detail: e.error });
  return out.join("");
}

export function accessReportPdf(r: AccessReport): PdfDoc {
  const c = (k: string) => r.controls[k] ?? [];
  const sa = r.standingAccess;
  return {
    title: "Elevate access report",
    subtitle: `${r.from} to ${r.to}, grouped by ${r.by}. Generated ${r.generatedAt}.`,
    sections: [
      ...r.access.map((g) => ({
        heading: `Access: ${g.key} (${g.grants} grant${g.grants === 1 ? "" : "s"})`,
        controls: [...new Set([...c("access"), ...c("approvals"), ...c("removal")])],
        table: {
          columns: ["Person", "Target", "Template", "Live", "Approvals", "Removal"],
          rows: g.rows.map((a) => [
            a.person,
            a.target,
            a.template,
            `${a.activatedAt ?? "-"} to ${a.revokedAt ?? a.expiresAt ?? "-"} (${a.status})`,
            approvalsText(a) || "-",
            removalText(a),
          ]),
        },
      })),
      ...(r.access.length === 0
        ? [{ heading: "Access", controls: c("access"), paragraphs: ["No grant was live in this period."] }]
        : []),
      {
        heading: "Revocation lateness",
        controls: c("lateness"),
        paragraphs: [
          `${r.lateness.count} expiries removed; p50 ${fmt(r.lateness.p50)}, p95 ${fmt(r.lateness.p95)}, max ${fmt(r.lateness.max)}.`,
        ],
        table: {
          columns: ["Lateness", "Grants"],
          rows: r.lateness.buckets.map((b) => [b.label, String(b.count)]),
        },
      },
      {
        heading: "Failed or stuck grants",
        controls: c("failures"),
        table: {
          columns: ["Grant", "Person", "Target", "Events", "Resolution"],
          rows: r.failures.map((f) => [f.grantId, f.person, f.target, f.events.join("; "), f.resolution]),
        },
      },
      {
        heading: "Refused self-approvals",
        controls: c("selfApproval"),
        table: {
          columns: ["When", "Person", "Request", "Channel"],
          rows: r.selfApprovals.map((s) => [s.at, s.person, s.requestId, s.channel]),
        },
      },
      {
        heading: "Break-glass use",
        controls: c("breakGlass"),
        paragraphs: [
          `${r.breakGlass.count} break-glass request${r.breakGlass.count === 1 ? "" : "s"} in the period.`,
        ],
        table: {
          columns: ["When", "Who", "Request"],
          rows: r.breakGlass.events.map((b) => [b.at, b.actor, b.subjectId]),
        },
      },
      {
        heading: "Standing access",
        controls: c("standingAccess"),
        paragraphs: [
          sa.accounted
            ? `Every Elevate-managed binding (${sa.bindings}) and role (${sa.roles}) on ${sa.targets} target(s) is accounted for by a live grant (checked ${sa.checkedAt}).`
            : `NOT all Elevate-managed access is accounted for (checked ${sa.checkedAt}): ${sa.unaccounted.length} unaccounted, ${sa.errors.length} target(s) not readable.`,
        ],
        table: {
          columns: ["Target", "Kind", "Name", "Grant"],
          rows: [
            ...sa.unaccounted.map((u) => [u.target, u.kind, u.name, u.grantId ?? "-"]),
            ...sa.errors.map((e) => [e.target, "not checked", e.error, "-"]),
          ],
        },
      },
    ],
  };
}

const fmt = (s: number | null) =>
  s === null ? "-" : s < 120 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`;
