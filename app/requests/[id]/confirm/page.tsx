import Link from "next/link";
import { signOutAction } from "@/components/auth/sign-out-action";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { requireSessionCtx } from "@/lib/auth/session";
import { requirePerson } from "@/lib/ctx";
import { env } from "@/lib/env";
import { getRequest } from "@/lib/requests";
import { signedInAt } from "@/lib/requests/step-up";
import { confirmDecisionAction } from "./actions";

export const metadata = { title: "Confirm your decision" };

const OUTCOMES: Record<string, string> = {
  approved: "Your approval counted.",
  denied: "You denied the request.",
  stale: "Your sign-in is too old for this request: sign in again, then open this page again.",
  refused: "The decision was refused (already decided, or not yours to make).",
};

/**
 * Step-up: Slack (and the API) send high-risk approvals here. The decision counts only when this session
 * signed in within ELEVATE_STEP_UP_MAX_AGE_SECONDS; otherwise the page asks for a fresh sign-in first.
 */
export default async function ConfirmPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ outcome?: string; verdict?: string }>;
}) {
  const ctx = await requireSessionCtx("requests.approve");
  const { id } = await params;
  const { outcome } = await searchParams;
  const request = await getRequest({ ctx, input: { requestId: id } });
  const at = await signedInAt(ctx.db, requirePerson(ctx));
  const maxAge = env().ELEVATE_STEP_UP_MAX_AGE_SECONDS;
  const fresh = at !== null && Date.now() - at.getTime() <= maxAge * 1000;
  return (
    <div className="mx-auto max-w-xl space-y-6">
      <h1 className="text-2xl font-bold">Confirm your decision</h1>
      {outcome && OUTCOMES[outcome] ? (
        <p role="status" className="rounded-md bg-muted p-3 text-sm">
          {OUTCOMES[outcome]}
        </p>
      ) : null}
      <Card className="space-y-2">
        <p>
          <strong>{request.requester.name ?? request.requester.email}</strong> asks for{" "}
          <strong>{request.template?.name ?? `${request.permissions?.length ?? 0} permissions`}</strong> on{" "}
          <strong>{request.target.name}</strong> for {request.durationMinutes} minutes ({request.risk} risk).
        </p>
        <p className="text-sm text-muted-foreground">Justification: {request.justification || "(none)"}</p>
        <p className="text-sm">
          Status: {request.status} ·{" "}
          <Link className="underline" href={`/requests/${request.id}`}>
            full details
          </Link>
        </p>
      </Card>
      {request.status !== "pending" ? null : fresh ? (
        <form action={confirmDecisionAction} className="flex gap-3">
          <input type="hidden" name="requestId" value={request.id} />
          <Button type="submit" name="verdict" value="approve">
            Approve
          </Button>
          <Button type="submit" name="verdict" value="deny" variant="secondary">
            Deny
          </Button>
        </form>
      ) : (
        <Card className="space-y-3">
          <p>
            This request needs a fresh sign-in (within the last {Math.round(maxAge / 60)} minutes) before your
            approval counts. Sign in again, then open this page again.
          </p>
          <form action={signOutAction}>
            <Button type="submit">Sign in again</Button>
          </form>
        </Card>
      )}
    </div>
  );
}
