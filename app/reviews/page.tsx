import Link from "next/link";
import { startReviewAction } from "@/app/reviews/actions";
import { ActionForm } from "@/components/requests/action-form";
import { Button } from "@/components/ui/button";
import { TitledCard } from "@/components/ui/card";
import { Time } from "@/components/ui/time";
import { requireSessionCtx } from "@/lib/auth/session";
import { listAccessReviews } from "@/lib/compliance/reviews";
import { hasPermission } from "@/lib/ctx";

export const metadata = { title: "Access reviews" };

const FIELD = "rounded-md border border-input bg-background px-2 py-1 text-sm";

export default async function ReviewsPage() {
  const ctx = await requireSessionCtx();
  const reviews = await listAccessReviews({ ctx });
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">Access reviews</h1>
        <p className="text-sm text-muted-foreground">
          Periodic campaigns in which owners confirm or remove task templates, approver-group memberships and
          API tokens.
        </p>
      </div>
      <TitledCard id="campaigns" title="Campaigns">
        {reviews.length === 0 ? (
          <p className="text-sm text-muted-foreground">No access review yet.</p>
        ) : (
          <ul className="divide-y divide-border text-sm">
            {reviews.map((r) => (
              <li key={r.id} className="flex flex-wrap justify-between gap-2 py-2">
                <Link
                  href={`/reviews/${r.id}`}
                  className="font-medium text-primary underline-offset-2 hover:underline"
                >
                  {r.name}
                </Link>
                <span className="text-muted-foreground">
                  {r.status}, due <Time value={r.dueAt} /> · {r.counts.pending} pending, {r.counts.confirmed}{" "}
                  confirmed, {r.counts.removed} removed
                </span>
              </li>
            ))}
          </ul>
        )}
      </TitledCard>
      {hasPermission(ctx, "compliance.manage") ? (
        <TitledCard
          id="start"
          title="Start a campaign"
          description="Takes a snapshot of today's templates, approver-group memberships and live tokens."
        >
          <ActionForm
            action={startReviewAction}
            label="Start a campaign"
            className="flex flex-wrap items-end gap-3 text-sm"
          >
            <label className="flex flex-col gap-1">
              Name
              <input name="name" required className={FIELD} placeholder="Q4 access review" />
            </label>
            <label className="flex flex-col gap-1">
              Due in (days)
              <input
                name="dueInDays"
                type="number"
                min={1}
                max={90}
                defaultValue={14}
                className={`${FIELD} w-20`}
              />
            </label>
            <label className="flex flex-col gap-1">
              Remind (emails)
              <input name="remindEmails" className={FIELD} placeholder="owners@example.com" />
            </label>
            <Button type="submit">Start</Button>
          </ActionForm>
        </TitledCard>
      ) : null}
    </div>
  );
}
