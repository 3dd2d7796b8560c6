"use client";

import { cancelAction, giveBackGrantAction } from "@/app/requests/actions";
import { Button } from "@/components/ui/button";
import { useActionMutation } from "./use-action-mutation";

/** Ends the requester's own active grant now ("give back early"). */
export function GiveBackButton({ grantId, requestId }: { grantId: string; requestId: string }) {
  const m = useActionMutation(giveBackGrantAction, {
    success: "Access given back; removal has started",
    invalidate: [["home"], ["request", requestId]],
  });
  return (
    <Button variant="secondary" size="sm" disabled={m.isPending} onClick={() => m.mutate({ grantId })}>
      {m.isPending ? "Giving back…" : "Give back early"}
    </Button>
  );
}

/** Withdraws the requester's own pending request. */
export function CancelRequestButton({ requestId }: { requestId: string }) {
  const m = useActionMutation(cancelAction, {
    success: "Request cancelled",
    invalidate: [["home"], ["request", requestId]],
  });
  return (
    <Button variant="secondary" size="sm" disabled={m.isPending} onClick={() => m.mutate({ requestId })}>
      {m.isPending ? "Cancelling…" : "Cancel request"}
    </Button>
  );
}
