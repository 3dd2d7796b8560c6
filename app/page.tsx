import Link from "next/link";
import { StatusBadge } from "@/components/ui/badge";
import { TitledCard } from "@/components/ui/card";
import { Time } from "@/components/ui/time";
import { listGrants, listRequests } from "@/lib/access";
import { requireSessionCtx } from "@/lib/auth/session";

export default async function HomePage() {
  const ctx = await requireSessionCtx();
  const [requests, grants] = await Promise.all([
    listRequests({ ctx, input: { scope: "mine", limit: 20 } }),
    listGrants({ ctx, input: { scope: "mine", status: "live" } }),
  ]);

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Your access</h1>

      <TitledCard
        id="grants"
        title="Active grants"
        actions={
          <Link href="/requests/new" className="text-sm font-semibold text-indigo-700 underline">
            Request access
          </Link>
        }
      >
        {grants.items.length === 0 ? (
          <p className="text-sm text-slate-600">No active grants.</p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {grants.items.map((g) => (
              <li
                key={g.id}
                data-testid={`grant-${g.id}`}
                className="flex items-center justify-between gap-4 py-2"
              >
                <span className="text-sm">
                  <span className="font-medium">{g.roleName}</span> on {g.target.name}{" "}
                  <span className="text-slate-500">({g.target.cloud})</span>
                </span>
                <span className="flex items-center gap-3 text-sm text-slate-600">
                  {g.expiresAt ? (
                    <span>
                      until <Time value={g.expiresAt} />
                    </span>
                  ) : null}
                  <StatusBadge status={g.status} />
                </span>
              </li>
            ))}
          </ul>
        )}
      </TitledCard>

      <TitledCard id="requests" title="Your recent requests">
        {requests.items.length === 0 ? (
          <p className="text-sm text-slate-600">You have not requested access yet.</p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {requests.items.map((r) => (
              <li
                key={r.id}
                data-testid={`request-${r.id}`}
                className="flex items-center justify-between gap-4 py-2"
              >
                <Link href={`/requests/${r.id}`} className="text-sm hover:underline">
                  <span className="font-medium">{r.template.name}</span> on {r.target.name}{" "}
                  <span className="text-slate-500">({r.target.cloud})</span>
                </Link>
                <span className="flex items-center gap-3 text-sm text-slate-600">
                  <Time value={r.createdAt} />
                  <StatusBadge status={r.status} />
                </span>
              </li>
            ))}
          </ul>
        )}
      </TitledCard>
    </div>
  );
}
