"use client";

import { useActionState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Time } from "@/components/ui/time";
import type { FormAction } from "@/lib/http/authed-action";
import type { ConnectionCheckDto } from "@/lib/targets/dto";

/** Runs a read-only call against the target and shows the outcome beside the button. */
export function TestConnectionButton({
  action,
  targetId,
  targetName,
  last,
}: {
  action: FormAction<ConnectionCheckDto>;
  targetId: string;
  targetName: string;
  last: ConnectionCheckDto | null;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  const check = state?.ok ? state.data : last;
  const failure = state && !state.ok ? state.error.message : null;
  return (
    <div className="space-y-1">
      <form action={formAction} aria-label={`Test connection of ${targetName}`} aria-busy={pending}>
        <input type="hidden" name="targetId" value={targetId} />
        <Button type="submit" variant="secondary" size="sm" disabled={pending}>
          {pending ? "Testing…" : "Test connection"}
          <span className="sr-only"> of {targetName}</span>
        </Button>
      </form>
      <div
        role="status"
        aria-live="polite"
        data-testid={`target-test-result-${targetId}`}
        className="text-xs"
      >
        {failure ? <span className="text-destructive">{failure}</span> : null}
        {!failure && check ? (
          <span className="flex flex-wrap items-center gap-1">
            <Badge tone={check.ok ? "success" : "danger"}>{check.ok ? "ok" : "failed"}</Badge>
            <span className={check.ok ? "text-foreground" : "text-destructive"}>{check.message}</span>
            <span className="text-muted-foreground">
              (<Time value={check.checkedAt} />)
            </span>
          </span>
        ) : null}
      </div>
    </div>
  );
}
