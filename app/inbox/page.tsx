import { InboxList } from "@/components/inbox/inbox-list";
import { listInboxCards } from "@/lib/access/requester-history";
import { requireSessionCtx } from "@/lib/auth/session";

export const metadata = { title: "Approvals" };

export default async function InboxPage() {
  const ctx = await requireSessionCtx("requests.approve");
  const initial = await listInboxCards({ ctx, input: {} });
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Waiting for your decision</h1>
      <InboxList initial={initial} />
    </div>
  );
}
