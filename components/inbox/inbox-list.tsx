"use client";

import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { Inbox } from "lucide-react";
import { useState } from "react";
import { approveManyAction, decideAction } from "@/app/requests/actions";
import { useActionMutation } from "@/components/requests/use-action-mutation";
import { Button } from "@/components/ui/button";
import { TitledCard } from "@/components/ui/card";
import { Dialog, DialogClose, DialogContent } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/input";
import { inboxQuery } from "@/lib/queries";
import { INBOX_MAX, INBOX_PAGE_SIZE } from "@/lib/requests/inbox-limits";
import type { InboxCard as Card } from "@/lib/requests/list-inbox-cards";
import { InboxCard } from "./inbox-card";

type Data = { items: Card[]; more: boolean };

/**
 * The approver inbox, polled every few seconds so new requests appear without a reload. It starts with the
 * newest INBOX_PAGE_SIZE cards (rendered on the server) and shows that many more on each "Show older
 * requests"; the poll refreshes all of them.
 */
export function InboxList({ initial }: { initial: Data }) {
  const client = useQueryClient();
  const [limit, setLimit] = useState(INBOX_PAGE_SIZE);
  const { data = initial, isPlaceholderData } = useQuery({
    ...inboxQuery(limit),
    initialData: limit === INBOX_PAGE_SIZE ? initial : undefined,
    // While older cards load, the ones shown stay (and keep their selection and comments).
    placeholderData: keepPreviousData,
  });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState<Set<string>>(new Set());
  const [open, setOpen] = useState(false);
  const [bulkComment, setBulkComment] = useState("");
  // Decided items leave the list at once; the next poll confirms.
  const drop = (ids: string[]) =>
    client.setQueryData<Data>(
      inboxQuery(limit).queryKey,
      (d) => d && { ...d, items: d.items.filter((i) => !ids.includes(i.id)) },
    );

  const decide = useActionMutation(decideAction, {
    success: (r) =>
      r.status === "denied"
        ? "Request denied"
        : r.status === "approved"
          ? "Request approved"
          : "Approval recorded",
    invalidate: [["inbox"]],
  });
  const bulk = useActionMutation(approveManyAction, {
    success: ({ results }) => {
      const ok = results.filter((r) => r.ok).length;
      return `${ok} of ${results.length} approved${ok < results.length ? `; ${results.find((r) => !r.ok)?.error?.message}` : ""}`;
    },
    invalidate: [["inbox"]],
  });

  const lowRisk = new Set(data.items.filter((i) => i.risk === "low").map((i) => i.id));
  const chosen = [...selected].filter((id) => lowRisk.has(id) && data.items.some((i) => i.id === id));
  const mark = (ids: string[], on: boolean) =>
    setBusy((b) => {
      const next = new Set(b);
      for (const id of ids) on ? next.add(id) : next.delete(id);
      return next;
    });

  return (
    <TitledCard
      id="inbox"
      title={data.more ? `${data.items.length} newest pending` : `${data.items.length} pending`}
      description="Newest first. Requests you made yourself never appear here."
      actions={
        lowRisk.size > 0 ? (
          <Dialog open={open} onOpenChange={setOpen}>
            <Button variant="secondary" disabled={chosen.length === 0} onClick={() => setOpen(true)}>
              Approve selected ({chosen.length})
            </Button>
            <DialogContent
              title={`Approve ${chosen.length} low-risk request${chosen.length === 1 ? "" : "s"}?`}
              description="Each is approved on its own; one that can no longer be approved is reported and skipped."
            >
              <label htmlFor="bulk-comment" className="block text-sm font-medium">
                Comment for all (optional)
              </label>
              <Input
                id="bulk-comment"
                className="mt-1"
                value={bulkComment}
                onChange={(e) => setBulkComment(e.target.value)}
              />
              <div className="mt-4 flex justify-end gap-2">
                <DialogClose asChild>
                  <Button variant="secondary">Keep reviewing</Button>
                </DialogClose>
                <Button
                  disabled={bulk.isPending}
                  onClick={() => {
                    const ids = chosen;
                    mark(ids, true);
                    bulk.mutate(
                      { requestIds: ids, comment: bulkComment.trim() || undefined },
                      {
                        onSuccess: ({ results }) => drop(results.filter((r) => r.ok).map((r) => r.requestId)),
                        onSettled: () => {
                          mark(ids, false);
                          setSelected(new Set());
                          setOpen(false);
                        },
                      },
                    );
                  }}
                >
                  Confirm bulk approval
                </Button>
              </div>
            </DialogContent>
          </Dialog>
        ) : null
      }
    >
      <p className="sr-only" role="status">
        {data.items.length} request{data.items.length === 1 ? "" : "s"} waiting for your decision
      </p>
      {data.items.length === 0 ? (
        <EmptyState
          icon={<Inbox aria-hidden className="h-6 w-6" />}
          title="Nothing waits for you"
          description="New requests for your approver groups appear here by themselves."
        />
      ) : (
        <ul className="divide-y divide-border">
          {data.items.map((item) => (
            <InboxCard
              key={item.id}
              item={item}
              busy={busy.has(item.id)}
              selected={selected.has(item.id)}
              onSelect={
                lowRisk.has(item.id)
                  ? (on) =>
                      setSelected((s) => {
                        const next = new Set(s);
                        on ? next.add(item.id) : next.delete(item.id);
                        return next;
                      })
                  : null
              }
              onDecide={(input) => {
                mark([input.requestId], true);
                decide.mutate(input, {
                  onSuccess: () => drop([input.requestId]),
                  onSettled: () => mark([input.requestId], false),
                });
              }}
            />
          ))}
        </ul>
      )}
      {data.more && data.items.length < INBOX_MAX ? (
        <div className="mt-4">
          <Button
            variant="secondary"
            disabled={isPlaceholderData}
            onClick={() => setLimit(Math.min(data.items.length + INBOX_PAGE_SIZE, INBOX_MAX))}
          >
            Show older requests
          </Button>
        </div>
      ) : data.more ? (
        <p className="mt-4 text-sm text-muted-foreground">
          These are the newest {INBOX_MAX}; decide some to see older ones.
        </p>
      ) : null}
    </TitledCard>
  );
}
