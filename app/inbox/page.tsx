import { InboxList } from "@/components/inbox/inbox-list";
import { requireSessionCtx } from "@/lib/auth/session";
import { INBOX_PAGE_SIZE, listInboxCards } from "@/lib/requests/list-inbox-cards";

export const metadata = { title: "Approvals" };

export default async function InboxPage() {
  const ctx = await requireSessionCtx("requests.approve");
  const initial = await listInboxCards({ ctx, input: { limit: INBOX_PAGE_SIZE } });
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Waiting for your decision</h1>
      <InboxList initial={initial} />
    </div>
  );
}
