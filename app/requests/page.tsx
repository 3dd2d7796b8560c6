import Link from "next/link";
import { RequestsFilter } from "@/components/requests/requests-filter";
import { RequestsTable } from "@/components/requests/requests-table";
import { buttonClass } from "@/components/ui/button";
import { TitledCard } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { withQuery } from "@/components/ui/href";
import { requireSessionCtx } from "@/lib/auth/session";
import { listTargets } from "@/lib/catalog/list";
import { AppError } from "@/lib/errors";
import { encodeCursor, listRequests, REQUEST_STATUSES } from "@/lib/requests";
import { requestListItem } from "@/lib/requests/request-label";

export const metadata = { title: "My requests" };

type Search = { status?: string; target?: string; before?: string; cursor?: string };
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const PAGE = 20;

/** "On or before a day" is a keyset start: the end of that day (UTC), above any id. */
function startCursor(before: string | undefined): string | undefined {
  if (!before || !DAY.test(before) || Number.isNaN(Date.parse(before))) return undefined;
  return encodeCursor({
    createdAt: `${before}T23:59:59.999999Z`,
    id: "ffffffff-ffff-ffff-ffff-ffffffffffff",
  });
}

export default async function MyRequestsPage({ searchParams }: { searchParams: Promise<Search> }) {
  const ctx = await requireSessionCtx("requests.read.own");
  const sp = await searchParams;
  const status = (REQUEST_STATUSES as readonly string[]).includes(sp.status ?? "") ? sp.status : undefined;
  const filters = { status: status ?? "", target: sp.target ?? "", before: sp.before ?? "" };
  const targets = await listTargets({ ctx });
  const targetId = targets.some((t) => t.id === sp.target) ? sp.target : undefined;

  let page: Awaited<ReturnType<typeof listRequests>> = { items: [], nextCursor: null };
  let error: string | null = null;
  try {
    page = await listRequests({
      ctx,
      input: {
        scope: "mine",
        status: status as (typeof REQUEST_STATUSES)[number] | undefined,
        targetId,
        limit: PAGE,
        cursor: sp.cursor || startCursor(sp.before),
      },
    });
  } catch (e) {
    if (!(e instanceof AppError) || e.code !== "validation") throw e;
    error = "That page link is no longer valid; showing nothing. Clear the filters to start again.";
  }
  const keep = (extra: Record<string, string>) => withQuery("/requests", { ...filters, ...extra });

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <h1 className="text-2xl font-bold">My requests</h1>
        <Link href="/requests/new" className={buttonClass()}>
          Request access
        </Link>
      </div>
      <TitledCard id="my-requests" title="Requests" description="Newest first.">
        <div className="mb-4">
          <RequestsFilter filters={filters} statuses={REQUEST_STATUSES} targets={targets} />
        </div>
        {error ? (
          <p role="alert" className="text-sm font-medium text-destructive">
            {error}
          </p>
        ) : page.items.length === 0 ? (
          <EmptyState title="No requests match" description="Change or clear the filters." />
        ) : (
          <RequestsTable rows={page.items.map(requestListItem)} />
        )}
        <nav aria-label="Pages" className="mt-4 flex gap-3">
          {sp.cursor ? (
            <Link href={keep({})} className={buttonClass("secondary")}>
              First page
            </Link>
          ) : null}
          {page.nextCursor ? (
            <Link href={keep({ cursor: page.nextCursor })} className={buttonClass("secondary")}>
              Older requests
            </Link>
          ) : null}
        </nav>
      </TitledCard>
    </div>
  );
}
