"use client";

import { useId, useState } from "react";
import { TicketRow } from "@/components/requests/ticket-row";
import { Badge, RiskBadge, StatusBadge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { Input } from "@/components/ui/input";
import { Time } from "@/components/ui/time";
import type { InboxCard as Card } from "@/lib/requests/list-inbox-cards";
import { requestLabel } from "@/lib/requests/request-label";

export type Decide = (input: { requestId: string; verdict: "approve" | "deny"; comment?: string }) => void;

/** One pending request with everything a decision needs, and the decision itself. */
export function InboxCard({
  item,
  onDecide,
  busy,
  selected,
  onSelect,
}: {
  item: Card;
  onDecide: Decide;
  busy: boolean;
  selected: boolean;
  onSelect: ((on: boolean) => void) | null;
}) {
  const [comment, setComment] = useState("");
  const commentId = useId();
  const who = item.requester.name ?? item.requester.email;
  const decide = (verdict: "approve" | "deny") =>
    onDecide({ requestId: item.id, verdict, comment: comment.trim() || undefined });

  return (
    <li data-testid={`inbox-${item.id}`} className="inbox-card" aria-busy={busy}>
      <div className="w-5 pt-0.5">
        {onSelect ? (
          <Checkbox
            checked={selected}
            onCheckedChange={(v) => onSelect(v === true)}
            aria-label={`Select ${requestLabel(item)} for ${who} for bulk approval`}
            disabled={busy}
          />
        ) : null}
      </div>
      <div className="min-w-0 flex-1 space-y-3">
        <div className="inbox-card-head">
          <p>
            <strong>{who}</strong> wants <strong>{requestLabel(item)}</strong>
            {item.extendsGrantId
              ? ` on ${item.target.name} (${item.target.cloud}) for ${item.durationMinutes} more minutes: an extension of access already granted`
              : ` on ${item.target.name} (${item.target.cloud}) for ${item.durationMinutes} minutes`}
          </p>
          <RiskBadge risk={item.risk} />
          <Time value={item.createdAt} />
        </div>
        <blockquote className="border-l-2 border-border pl-3 text-sm">{item.justification}</blockquote>
        <dl className="inbox-card-facts">
          {item.resource ? (
            <>
              <dt>Resource</dt>
              <dd>
                <code className="font-mono">{item.resource}</code>
              </dd>
            </>
          ) : null}
          <dt>Permissions</dt>
          <dd data-testid="permission-count">
            {item.permissionCount} in {item.target.cloud}
            {item.permissions ? (
              <details className="mt-1">
                <summary className="cursor-pointer text-muted-foreground">Listed by the requester</summary>
                <ul className="mt-1 font-mono text-xs">
                  {item.permissions.map((p) => (
                    <li key={p}>{p}</li>
                  ))}
                </ul>
              </details>
            ) : null}
          </dd>
          <dt>Risk tags</dt>
          <dd className="flex flex-wrap gap-1">
            {item.riskTags.length ? item.riskTags.map((t) => <Badge key={t}>{t}</Badge>) : "none"}
          </dd>
          <TicketRow url={item.ticketUrl} />
          <dt>Approvals</dt>
          <dd>
            {item.approvalCount} of {item.approvalsRequired}
          </dd>
          <dt>Their recent requests</dt>
          <dd>
            {item.history.length === 0 ? (
              <span className="text-muted-foreground">None before this one</span>
            ) : (
              <ul className="inbox-card-history space-y-0.5" aria-label={`Recent requests by ${who}`}>
                {item.history.map((h) => (
                  <li key={h.id}>
                    <StatusBadge status={h.status} />
                    {`${h.templateName} on ${h.targetName}`}
                    <Time value={h.createdAt} />
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </dl>
        <div className="flex flex-wrap items-end gap-2">
          <div className="min-w-48 flex-1">
            <label htmlFor={commentId} className="sr-only">
              Comment (optional)
            </label>
            <Input
              id={commentId}
              name="comment"
              value={comment}
              onChange={(e) => setComment(e.target.value)}
              placeholder="Comment (optional)"
              disabled={busy}
            />
          </div>
          <Button onClick={() => decide("approve")} disabled={busy}>
            Approve
          </Button>
          <Button variant="secondary" onClick={() => decide("deny")} disabled={busy}>
            Deny
          </Button>
        </div>
      </div>
    </li>
  );
}
