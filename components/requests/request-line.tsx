import Link from "next/link";
import type { ReactNode } from "react";
import { StatusBadge } from "@/components/ui/badge";
import { Time } from "@/components/ui/time";
import type { RequestListItem } from "@/lib/requests/request-label";

/** One request in a list: what, where, when, status; links to its detail page. */
export function RequestLine({ r, actions }: { r: RequestListItem; actions?: ReactNode }) {
  return (
    <li data-testid={`request-${r.id}`} className="flex flex-wrap items-center justify-between gap-3 py-3">
      <Link href={`/requests/${r.id}`} className="text-sm hover:underline">
        <span className="font-medium">{r.label}</span> on {r.target.name}{" "}
        <span className="text-muted-foreground">({r.target.cloud})</span>
      </Link>
      <span className="flex items-center gap-3 text-sm text-muted-foreground">
        <Time value={r.createdAt} />
        <StatusBadge status={r.status} />
        {actions}
      </span>
    </li>
  );
}
