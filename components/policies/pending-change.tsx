"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import type { ActionState, FormAction } from "@/lib/http/authed-action";
import type { PolicyDetailDto } from "@/lib/policies";
import { PolicyDiff } from "./policy-diff";

/** One pending change: who proposed it, its diff, and Approve / Reject (its author may only withdraw). */
export function PendingChange({
  change,
  mine,
  action,
}: {
  change: PolicyDetailDto;
  mine: boolean;
  action: FormAction<PolicyDetailDto>;
}) {
  const [state, formAction, pending] = useActionState(action, null as ActionState<PolicyDetailDto>);
  const id = `change-${change.id}`;
  return (
    <article aria-labelledby={`${id}-title`} className="space-y-2 rounded border border-border p-3">
      <h3 id={`${id}-title`} className="font-medium">
        Change by {change.createdByEmail ?? "unknown"} against version {change.baseVersion}
      </h3>
      {change.comment ? <p className="text-sm">{change.comment}</p> : null}
      <PolicyDiff lines={change.diff} />
      <form action={formAction} className="flex flex-wrap items-end gap-2">
        <input type="hidden" name="policyId" value={change.id} />
        <div>
          <label htmlFor={`${id}-comment`} className="text-sm">
            Comment
          </label>
          <Input id={`${id}-comment`} name="comment" maxLength={2000} />
        </div>
        {mine ? (
          <p className="text-sm text-muted-foreground">Another admin must approve your change.</p>
        ) : (
          <Button type="submit" name="verdict" value="approve" disabled={pending}>
            Approve change
          </Button>
        )}
        <Button type="submit" name="verdict" value="reject" variant="secondary" disabled={pending}>
          {mine ? "Withdraw" : "Reject"}
        </Button>
      </form>
      {state && !state.ok ? (
        <p role="alert" className="text-sm font-medium text-destructive">
          {state.error.message}
        </p>
      ) : null}
    </article>
  );
}
