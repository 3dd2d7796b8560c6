import { decideRequestAction } from "@/app/requests/actions";
import { ActionForm } from "@/components/requests/action-form";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { TitledCard } from "@/components/ui/card";
import { Time } from "@/components/ui/time";
import { listInbox } from "@/lib/access";
import { requireSessionCtx } from "@/lib/auth/session";

export const metadata = { title: "Approvals · Elevate" };

export default async function InboxPage() {
  const ctx = await requireSessionCtx("requests.approve");
  const inbox = await listInbox({ ctx, input: {} });
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Waiting for your decision</h1>
      <TitledCard id="inbox" title={`${inbox.items.length} pending`}>
        {inbox.items.length === 0 ? (
          <p className="text-sm text-slate-600">Nothing waits for you.</p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {inbox.items.map((r) => (
              <li key={r.id} data-testid={`inbox-${r.id}`} className="space-y-2 py-4">
                <div className="flex flex-wrap items-center gap-2 text-sm">
                  <strong>{r.requester.name ?? r.requester.email}</strong> wants <strong>{r.template.name}</strong> on{" "}
                  {r.target.name} ({r.target.cloud}) for {r.durationMinutes} minutes
                  <Badge tone={r.template.risk === "high" ? "danger" : r.template.risk === "medium" ? "warning" : "neutral"}>
                    risk {r.template.risk}
                  </Badge>
                  <span className="text-slate-500">
                    <Time value={r.createdAt} />
                  </span>
                </div>
                <p className="text-sm text-slate-700">“{r.justification}”</p>
                <ActionForm action={decideRequestAction} className="flex flex-wrap items-end gap-2" label="Decide">
                  <input type="hidden" name="requestId" value={r.id} />
                  <label className="text-sm">
                    <span className="sr-only">Comment</span>
                    <input
                      name="comment"
                      placeholder="Comment (optional)"
                      className="rounded-md border border-slate-300 px-2 py-1.5 text-sm"
                    />
                  </label>
                  <Button type="submit" name="verdict" value="approve">
                    Approve
                  </Button>
                  <Button type="submit" name="verdict" value="deny" variant="secondary">
                    Deny
                  </Button>
                </ActionForm>
              </li>
            ))}
          </ul>
        )}
      </TitledCard>
    </div>
  );
}
