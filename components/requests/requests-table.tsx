"use client";

import Link from "next/link";
import { StatusBadge } from "@/components/ui/badge";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import type { RequestListItem } from "@/lib/requests/request-label";

/**
 * The my-requests table. A client component on purpose: the page hands it the rows as data, a fraction of
 * the size of the same rows sent as a rendered server tree.
 */
export function RequestsTable({ rows }: { rows: RequestListItem[] }) {
  return (
    <Table aria-label="My requests">
      <THead>
        <TR>
          <TH>Task</TH>
          <TH>Target</TH>
          <TH>Duration</TH>
          <TH>Submitted</TH>
          <TH>Status</TH>
        </TR>
      </THead>
      <TBody>
        {rows.map((r) => (
          <TR key={r.id} data-testid={`request-${r.id}`}>
            <TD>
              <Link
                href={`/requests/${r.id}`}
                className="font-medium text-primary underline underline-offset-4"
              >
                {r.label}
              </Link>
            </TD>
            <TD>
              {`${r.target.name} `}
              <span className="text-muted-foreground">({r.target.cloud})</span>
            </TD>
            <TD>{`${r.durationMinutes} min`}</TD>
            <TD>
              <Time value={r.createdAt} />
            </TD>
            <TD>
              <StatusBadge status={r.status} />
            </TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
}
