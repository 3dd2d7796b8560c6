"use client";

import { useQuery } from "@tanstack/react-query";
import { KeyRound } from "lucide-react";
import Link from "next/link";
import { Badge, StatusBadge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { TitledCard } from "@/components/ui/card";
import { Countdown } from "@/components/ui/countdown";
import { EmptyState } from "@/components/ui/empty-state";
import { homeQuery } from "@/lib/queries";
import type { HomeDto } from "@/lib/requests/home";
import { CancelRequestButton, GiveBackButton } from "./grant-actions";
import { RequestLine } from "./request-line";

const requestCta = (
  <Button asChild>
    <Link href="/requests/new">Request access</Link>
  </Button>
);

/** The requester's home, refreshed every few seconds so approvals and expiries show without reload. */
export function HomeView({ initial }: { initial: HomeDto }) {
  const { data = initial } = useQuery({ ...homeQuery(), initialData: initial });
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <h1 className="text-2xl font-bold">Your access</h1>
        {requestCta}
      </div>

      <TitledCard id="grants" title="Active grants" description="Access you hold now; it ends by itself.">
        {data.grants.length === 0 ? (
          <EmptyState
            icon={<KeyRound aria-hidden className="h-6 w-6" />}
            title="No active grants"
            description="When a request is approved, the access appears here with the time it has left."
          />
        ) : (
          <ul className="divide-y divide-border">
            {data.grants.map((g) => (
              <li
                key={g.id}
                data-testid={`grant-${g.id}`}
                className="flex flex-wrap items-center justify-between gap-3 py-3"
              >
                <Link href={`/requests/${g.requestId}`} className="text-sm hover:underline">
                  <span className="font-medium">{g.roleName}</span> on {g.target.name}{" "}
                  <span className="text-muted-foreground">({g.target.cloud})</span>
                </Link>
                <span className="flex flex-wrap items-center gap-3 text-sm text-muted-foreground">
                  {g.status === "active" && g.expiresAt ? (
                    <Countdown until={g.expiresAt} className="font-mono tabular-nums" />
                  ) : null}
                  <StatusBadge status={g.status} />
                  {g.status === "active" ? <GiveBackButton grantId={g.id} requestId={g.requestId} /> : null}
                </span>
              </li>
            ))}
          </ul>
        )}
      </TitledCard>

      <TitledCard
        id="pending"
        title={
          <span className="flex items-center gap-2">
            Waiting for approval <Badge>{data.pending.length}</Badge>
          </span>
        }
      >
        {data.pending.length === 0 ? (
          <EmptyState
            title="Nothing waiting"
            description="Requests you submit wait here until someone decides."
          />
        ) : (
          <ul className="divide-y divide-border">
            {data.pending.map((r) => (
              <RequestLine key={r.id} r={r} actions={<CancelRequestButton requestId={r.id} />} />
            ))}
          </ul>
        )}
      </TitledCard>

      <TitledCard
        id="requests"
        title="Recent requests"
        actions={
          <Link href="/requests" className="text-sm font-medium text-primary underline underline-offset-4">
            All my requests
          </Link>
        }
      >
        {data.recent.length === 0 ? (
          <EmptyState
            title="No decided requests yet"
            description="Approved, denied and finished requests show here."
          />
        ) : (
          <ul className="divide-y divide-border">
            {data.recent.map((r) => (
              <RequestLine key={r.id} r={r} />
            ))}
          </ul>
        )}
      </TitledCard>
    </div>
  );
}
