import { notFound } from "next/navigation";
import { closeReviewAction, decideItemAction } from "@/app/reviews/actions";
import { ControlsList } from "@/components/compliance/controls-list";
import { ActionForm } from "@/components/requests/action-form";
import { Button } from "@/components/ui/button";
import { TitledCard } from "@/components/ui/card";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import { requireSessionCtx } from "@/lib/auth/session";
import { controlLabels } from "@/lib/compliance";
import { getAccessReview } from "@/lib/compliance/reviews";
import { hasPermission } from "@/lib/ctx";
import { AppError } from "@/lib/errors";

export const metadata = { title: "Access review" };

const KINDS = [
  ["template", "Task templates"],
  ["membership", "Approver-group memberships"],
  ["token", "API tokens"],
] as const;

export default async function ReviewPage({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await requireSessionCtx();
  const { id } = await params;
  const review = await getAccessReview({ ctx, input: { reviewId: id } }).catch((err: unknown) => {
    if (err instanceof AppError && (err.code === "not_found" || err.code === "validation")) notFound();
    throw err;
  });
  const canExport = hasPermission(ctx, "audit.read") || hasPermission(ctx, "compliance.manage");
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-bold">{review.name}</h1>
          <p className="text-sm text-muted-foreground">
            {review.status}, due <Time value={review.dueAt} /> · {review.counts.pending} pending,{" "}
            {review.counts.confirmed} confirmed, {review.counts.removed} removed
          </p>
        </div>
        <div className="flex gap-2 text-sm">
          {canExport
            ? (["pdf", "csv", "json"] as const).map((f) => (
                <a
                  key={f}
                  href={`/reviews/${review.id}/export?format=${f}`}
                  download
                  className="rounded-md border border-input px-3 py-1 font-medium"
                >
                  Download {f.toUpperCase()}
                </a>
              ))
            : null}
          {review.status === "open" && hasPermission(ctx, "compliance.manage") ? (
            <ActionForm action={closeReviewAction} label="Close the campaign">
              <input type="hidden" name="reviewId" value={review.id} />
              <Button type="submit" variant="secondary" size="sm">
                Close campaign
              </Button>
            </ActionForm>
          ) : null}
        </div>
      </div>
      <ControlsList labels={controlLabels("reviews")} />
      {KINDS.map(([kind, title]) => {
        const items = review.items.filter((i) => i.kind === kind);
        if (items.length === 0) return null;
        return (
          <TitledCard key={kind} id={`items-${kind}`} title={title}>
            <Table>
              <THead>
                <TR>
                  <TH>Item</TH>
                  <TH>Decision</TH>
                  <TH>Confirm or remove</TH>
                </TR>
              </THead>
              <TBody>
                {items.map((i) => (
                  <TR key={i.id}>
                    <TD>{i.label}</TD>
                    <TD className="text-xs">
                      {i.decision}
                      {i.decidedBy ? ` by ${i.decidedBy}` : ""}
                      {i.comment ? ` ("${i.comment}")` : ""}
                    </TD>
                    <TD>
                      {i.canDecide ? (
                        <ActionForm
                          action={decideItemAction}
                          label={`Decide ${i.label}`}
                          className="flex flex-wrap items-center gap-2"
                        >
                          <input type="hidden" name="itemId" value={i.id} />
                          <input
                            name="comment"
                            placeholder="Comment"
                            aria-label="Comment"
                            className="rounded-md border border-input bg-background px-2 py-1 text-xs"
                          />
                          <Button type="submit" name="decision" value="confirm" size="sm" variant="secondary">
                            Confirm
                          </Button>
                          <Button type="submit" name="decision" value="remove" size="sm">
                            Remove
                          </Button>
                        </ActionForm>
                      ) : null}
                    </TD>
                  </TR>
                ))}
              </TBody>
            </Table>
          </TitledCard>
        );
      })}
      {review.items.length === 0 ? (
        <p className="text-sm text-muted-foreground">Nothing in this campaign for you to review.</p>
      ) : null}
    </div>
  );
}
