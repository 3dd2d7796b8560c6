import type { ReactNode } from "react";
import { Time } from "@/components/ui/time";
import type { GrantDto, RequestDto } from "@/lib/requests/dto";

type Event = {
  key: string;
  at: string | null;
  title: ReactNode;
  body?: ReactNode;
  tone: "muted" | "good" | "bad";
};

const DOT = { muted: "bg-input", good: "bg-green-600 dark:bg-green-400", bad: "bg-red-600 dark:bg-red-400" };

function ids(list: string[] | undefined): ReactNode {
  if (!list?.length) return null;
  return (
    <span className="block text-xs text-muted-foreground">
      Cloud request ids: <code className="font-mono">{list.join(", ")}</code>
    </span>
  );
}

function grantEvents(g: GrantDto): Event[] {
  const out: Event[] = [];
  const p = g.evidence.provision;
  if (g.activatedAt) {
    out.push({
      key: `${g.id}-on`,
      at: g.activatedAt,
      tone: "good",
      title: (
        <>
          Access provisioned on {g.target.name}: role <code className="font-mono">{g.roleName}</code>
        </>
      ),
      body: (
        <>
          {p?.bindingId ? (
            <span className="block text-xs text-muted-foreground">
              Binding <code className="font-mono">{p.bindingId}</code>
            </span>
          ) : null}
          {ids(p?.requestIds)}
        </>
      ),
    });
  }
  if (g.status === "failed") {
    out.push({ key: `${g.id}-fail`, at: null, tone: "bad", title: "Provisioning failed", body: g.lastError });
  }
  if (g.expiresAt && !g.revokedAt) {
    const past = new Date(g.expiresAt).getTime() <= Date.now();
    out.push({ key: `${g.id}-exp`, at: g.expiresAt, tone: "muted", title: past ? "Expired" : "Expires" });
  }
  if (g.revokedAt) {
    out.push({
      key: `${g.id}-off`,
      at: g.revokedAt,
      tone: "muted",
      title: `Access removed (${g.revokeReason ?? "expired"})`,
      body: ids(g.evidence.removal?.requestIds),
    });
  } else if (g.status === "revoking" || g.status === "revoke_stuck") {
    out.push({
      key: `${g.id}-revoking`,
      at: null,
      tone: g.status === "revoke_stuck" ? "bad" : "muted",
      title: g.status === "revoke_stuck" ? "Removal is failing and being retried" : "Removal in progress",
      body: g.revokeReason,
    });
  }
  return out;
}

/** What happened to a request, oldest first, with the evidence Elevate holds for each step. */
export function RequestTimeline({ r }: { r: RequestDto }) {
  const events: Event[] = [
    {
      key: "submitted",
      at: r.createdAt,
      tone: "muted",
      title: `Submitted by ${r.requester.name ?? r.requester.email}`,
      body: <q className="text-muted-foreground">{r.justification}</q>,
    },
    ...r.approvals.map(
      (a): Event => ({
        key: `a-${a.approverId}`,
        at: a.createdAt,
        tone: a.verdict === "approve" ? "good" : "bad",
        title: `${a.verdict === "approve" ? "Approved" : "Denied"} by ${a.approverName} (${a.channel})`,
        body: a.comment ? <q className="text-muted-foreground">{a.comment}</q> : null,
      }),
    ),
    ...(r.status === "cancelled" || r.status === "lapsed"
      ? [
          {
            key: "end",
            at: r.decidedAt,
            tone: "muted" as const,
            title: r.status === "cancelled" ? "Cancelled by the requester" : "Lapsed without a decision",
          },
        ]
      : []),
    ...r.grants.flatMap(grantEvents),
  ];
  return (
    <ol className="relative space-y-4 border-l border-border pl-6" data-testid="request-timeline">
      {events.map((e) => (
        <li key={e.key} className="relative text-sm">
          <span
            aria-hidden
            className={`absolute -left-[1.95rem] top-1.5 h-3 w-3 rounded-full ${DOT[e.tone]}`}
          />
          <p className="font-medium">
            {e.title}
            {e.at ? (
              <span className="ml-2 font-normal text-muted-foreground">
                <Time value={e.at} />
              </span>
            ) : null}
          </p>
          {e.body ? <div className="mt-0.5">{e.body}</div> : null}
        </li>
      ))}
    </ol>
  );
}
