"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import { TicketRow } from "@/components/requests/ticket-row";
import { Badge, RiskBadge, StatusBadge } from "@/components/ui/badge";
import { TitledCard } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { Countdown } from "@/components/ui/countdown";
import { Time } from "@/components/ui/time";
import { toast } from "@/components/ui/toast";
import { requestQuery } from "@/lib/queries";
import type { RequestViewDto } from "@/lib/requests/request-view";
import { AccessInstructions } from "./access-instructions";
import { EffectiveAccessList } from "./effective-access";
import { CancelRequestButton, ExtendGrantForm, GiveBackButton } from "./grant-actions";
import { KubeconfigDownload } from "./kubeconfig-download";
import { RequestTimeline } from "./request-timeline";
import { SUBMITTED_FLAG } from "./submitted-flag";

const CAPACITY_TONES = { ok: "neutral", warning: "warning", danger: "danger" } as const;
const CAPACITY_LABELS = { ok: "room", warning: "near the limit", danger: "no room" } as const;

/** One request, kept fresh while it can still change (decision, provisioning, expiry). */
export function RequestDetail({ initial }: { initial: RequestViewDto }) {
  const { data = initial } = useQuery({ ...requestQuery(initial.request.id), initialData: initial });
  const { request: r, mine, usage, capacity } = data;

  // The form sets the flag just before the server redirects here: confirm the submission once.
  useEffect(() => {
    if (sessionStorage.getItem(SUBMITTED_FLAG)) {
      sessionStorage.removeItem(SUBMITTED_FLAG);
      toast({ tone: "success", title: "Request submitted", description: "Approvers have been asked." });
    }
  }, []);

  const approvals = r.approvals.filter((a) => a.verdict === "approve").length;
  return (
    <div className="max-w-3xl space-y-6">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-bold">
          {r.template?.name ?? "Custom permissions"} on {r.target.name}
        </h1>
        <StatusBadge status={r.status} data-testid="request-status" />
      </div>

      <TitledCard
        id="summary"
        title="Request"
        actions={mine && r.status === "pending" ? <CancelRequestButton requestId={r.id} /> : null}
      >
        <dl className="grid gap-y-2 text-sm sm:grid-cols-[10rem_1fr]">
          <dt className="text-muted-foreground">Requester</dt>
          <dd>{r.requester.name ?? r.requester.email}</dd>
          <dt className="text-muted-foreground">Target</dt>
          <dd>
            {r.target.name} ({r.target.cloud} {r.target.externalId})
          </dd>
          <dt className="text-muted-foreground">Task</dt>
          <dd className="flex flex-wrap items-center gap-2">
            {r.template?.name ?? `${r.permissions?.length ?? 0} listed permissions`}{" "}
            <RiskBadge risk={r.risk} />
          </dd>
          {r.resource ? (
            <>
              <dt className="text-muted-foreground">Resource</dt>
              <dd>
                <code className="font-mono">{r.resource}</code>
              </dd>
            </>
          ) : null}
          <dt className="text-muted-foreground">Duration</dt>
          <dd>{r.durationMinutes} minutes</dd>
          <dt className="text-muted-foreground">Justification</dt>
          <dd>{r.justification}</dd>
          <TicketRow url={r.ticketUrl} />
          <dt className="text-muted-foreground">Approvals</dt>
          <dd>
            {approvals} of {r.approvalsRequired} from{" "}
            {(r.policy?.approverGroups ?? [r.approverGroup]).join(" and ")}
          </dd>
          {r.policy?.automatic ? (
            <>
              <dt className="text-muted-foreground">Approved automatically</dt>
              <dd>
                {r.policy.automatic.conditions.join(", ")} (rule {r.policy.automatic.ruleIds.join(", ")})
              </dd>
            </>
          ) : null}
          {r.extendsGrantId ? (
            <>
              <dt className="text-muted-foreground">Extension</dt>
              <dd data-testid="request-extends">
                {r.durationMinutes} more minutes for an active grant (past the policy&apos;s automatic limit);
                approving extends grant <code>{r.extendsGrantId}</code>, it creates no new access
              </dd>
            </>
          ) : null}
          {r.breakGlass ? (
            <>
              <dt className="text-muted-foreground">Break-glass</dt>
              <dd>
                {r.breakGlass.reviewedAt
                  ? "Reviewed"
                  : `Review due by ${r.breakGlass.reviewDueAt ?? "—"}${r.breakGlass.escalatedAt ? " (overdue, escalated)" : ""}`}
              </dd>
            </>
          ) : null}
          {capacity ? (
            <>
              <dt className="text-muted-foreground">Cloud limits</dt>
              <dd className="flex flex-wrap items-center gap-2" data-testid="request-capacity">
                <Badge tone={CAPACITY_TONES[capacity.tone]}>{CAPACITY_LABELS[capacity.tone]}</Badge>
                {capacity.message}
              </dd>
            </>
          ) : null}
          <dt className="text-muted-foreground">Submitted</dt>
          <dd>
            <Time value={r.createdAt} />
          </dd>
        </dl>
      </TitledCard>

      {r.grants.map((g) => (
        <TitledCard
          key={g.id}
          id={`grant-${g.id}-card`}
          title={`Access on ${g.target.name}`}
          actions={mine && g.status === "active" ? <GiveBackButton grantId={g.id} requestId={r.id} /> : null}
        >
          <div className="mb-3 flex flex-wrap items-center gap-3 text-sm">
            <StatusBadge status={g.status} data-testid="grant-status" />
            {g.status === "active" && g.expiresAt ? (
              <Countdown until={g.expiresAt} className="font-mono tabular-nums" />
            ) : null}
            {g.expiresAt ? (
              <span className="text-muted-foreground">
                until <Time value={g.expiresAt} />
              </span>
            ) : null}
          </div>
          {mine && g.status === "active" && g.expiresAt ? (
            <details className="mb-4 rounded-md border border-border p-3">
              <summary className="cursor-pointer text-sm font-medium focus-visible:outline-2 focus-visible:outline-ring">
                Need more time? Extend
              </summary>
              <div className="mt-3">
                <ExtendGrantForm grantId={g.id} requestId={r.id} expiresAt={g.expiresAt} />
              </div>
            </details>
          ) : null}
          {usage[g.id] ? (
            <div className="mb-4">
              <AccessInstructions usage={usage[g.id]} cloud={g.target.cloud} />
              {mine && g.status === "active" && g.target.cloud === "kubernetes" ? (
                <div className="mt-2">
                  <KubeconfigDownload grantId={g.id} />
                </div>
              ) : null}
            </div>
          ) : null}
          <EffectiveAccessList evidence={g.evidence.provision?.effective} />
          <details>
            <summary className="cursor-pointer text-sm font-medium focus-visible:outline-2 focus-visible:outline-ring">
              Role <code className="font-mono">{g.roleName}</code> with {g.permissions.length} permissions
            </summary>
            <CodeBlock label="Role document" className="mt-2">
              {JSON.stringify(g.roleDocument, null, 2)}
            </CodeBlock>
          </details>
        </TitledCard>
      ))}

      <TitledCard id="timeline" title="Timeline">
        <RequestTimeline r={r} />
      </TitledCard>
    </div>
  );
}
