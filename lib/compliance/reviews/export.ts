import type { ReportFormat } from "@/db/schema/enums";
import { csvRow } from "@/lib/audit/csv";
import { assertPermission, type Ctx, hasPermission } from "@/lib/ctx";
import { renderPdf } from "@/lib/pdf";
import { controlLabels } from "../controls";
import type { RenderedReport } from "../export";
import { getAccessReview } from "./read";

/** A campaign's report: every item with its decision, who made it and when (auditors and admins). */
export async function exportAccessReview({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { reviewId: string; format: ReportFormat };
}): Promise<RenderedReport> {
  if (!hasPermission(ctx, "compliance.manage")) assertPermission(ctx, "audit.read");
  const review = await getAccessReview({ ctx, input });
  const stem = `elevate-access-review-${review.createdAt.slice(0, 10)}-${review.id.slice(0, 8)}`;
  const controls = controlLabels("reviews");
  if (input.format === "json")
    return {
      body: JSON.stringify({ ...review, controls }, null, 2),
      contentType: "application/json",
      filename: `${stem}.json`,
    };
  const rows = review.items.map((i) => [
    i.kind,
    i.label,
    i.subjectId,
    i.decision,
    i.decidedBy ?? "",
    i.decidedAt ?? "",
    i.comment ?? "",
  ]);
  const columns = ["kind", "item", "subject", "decision", "decided_by", "decided_at", "comment"];
  if (input.format === "csv")
    return {
      body: [columns, ...rows].map(csvRow).join(""),
      contentType: "text/csv; charset=utf-8",
      filename: `${stem}.csv`,
    };
  const body = await renderPdf({
    title: `Access review: ${review.name}`,
    subtitle: `Started ${review.createdAt}, due ${review.dueAt}, ${review.status}${review.closedAt ? ` (closed ${review.closedAt})` : ""}. ${review.counts.confirmed} confirmed, ${review.counts.removed} removed, ${review.counts.pending} pending.`,
    sections: (["template", "membership", "token"] as const).map((kind) => ({
      heading: { template: "Task templates", membership: "Approver-group memberships", token: "API tokens" }[
        kind
      ],
      controls,
      table: {
        columns: ["Item", "Decision", "By", "When", "Comment"],
        rows: review.items
          .filter((i) => i.kind === kind)
          .map((i) => [i.label, i.decision, i.decidedBy ?? "-", i.decidedAt ?? "-", i.comment ?? ""]),
      },
    })),
  });
  return { body, contentType: "application/pdf", filename: `${stem}.pdf` };
}
