import { notFound } from "next/navigation";
import { cancelRequestAction, giveBackAction } from "@/app/requests/actions";
import { ActionForm } from "@/components/requests/action-form";
import { StatusBadge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { TitledCard } from "@/components/ui/card";
import { Time } from "@/components/ui/time";
import { getRequest, type RequestDto } from "@/lib/access";
import { requireSessionCtx } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";

export const metadata = { title: "Request · Elevate" };

async function load(id: string): Promise<{ request: RequestDto; mine: boolean }> {
  const ctx = await requireSessionCtx();
  try {
    const request = await getRequest({ ctx, input: { requestId: id } });
    const mine = ctx.actor.type !== "system" && ctx.actor.userId === request.requester.id;
    return { request, mine };
  } catch (err) {
    // Another org's id, a malformed id, or one this person may not see: all read as "not found".
    if (err instanceof AppError && (err.code === "not_found" || err.code === "validation")) notFound();
    throw err;
  }
}

export default async function RequestPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { request: r, mine } = await load(id);
  return (
    <div className="max-w-3xl space-y-6">
      <div className="flex items-center gap-3">
        <h1 className="text-2xl font-bold">
          {r.template.name} on {r.target.name}
        </h1>
        <StatusBadge status={r.status} data-testid="request-status" />
      </div>
      <TitledCard id="summary" title="Request">
        <dl className="grid grid-cols-[10rem_1fr] gap-y-2 text-sm">
          <dt className="text-slate-600">Requester</dt>
          <dd>{r.requester.name ?? r.requester.email}</dd>
          <dt className="text-slate-600">Target</dt>
          <dd>
            {r.target.name} ({r.target.cloud} {r.target.externalId})
          </dd>
          <dt className="text-slate-600">Task</dt>
          <dd>
            {r.template.name} <span className="text-slate-500">(risk {r.template.risk})</span>
          </dd>
          {r.resource ? (
            <>
              <dt className="text-slate-600">Resource</dt>
              <dd>{r.resource}</dd>
            </>
          ) : null}
          <dt className="text-slate-600">Duration</dt>
          <dd>{r.durationMinutes} minutes</dd>
          <dt className="text-slate-600">Justification</dt>
          <dd>{r.justification}</dd>
          <dt className="text-slate-600">Approvals</dt>
          <dd>
            {r.approvals.filter((a) => a.verdict === "approve").length} of {r.approvalsRequired} from{" "}
            {r.approverGroup}
          </dd>
          <dt className="text-slate-600">Submitted</dt>
          <dd>
            <Time value={r.createdAt} />
          </dd>
        </dl>
        {mine && r.status === "pending" ? (
          <ActionForm action={cancelRequestAction} className="mt-4" label="Cancel request">
            <input type="hidden" name="requestId" value={r.id} />
            <Button type="submit" variant="secondary">
              Cancel request
            </Button>
          </ActionForm>
        ) : null}
      </TitledCard>

      <TitledCard id="decisions" title="Decisions">
        {r.approvals.length === 0 ? (
          <p className="text-sm text-slate-600">No decision yet.</p>
        ) : (
          <ul className="space-y-2 text-sm">
            {r.approvals.map((a) => (
              <li key={a.approverId}>
                <strong>{a.approverName}</strong> {a.verdict === "approve" ? "approved" : "denied"} via {a.channel}{" "}
                <Time value={a.createdAt} />
                {a.comment ? <q className="ml-2 text-slate-600">{a.comment}</q> : null}
              </li>
            ))}
          </ul>
        )}
      </TitledCard>

      {r.grants.map((g) => (
        <TitledCard key={g.id} id={`grant-${g.id}-card`} title={`Grant on ${g.target.name}`}>
          <div className="mb-3 flex items-center gap-3 text-sm">
            <StatusBadge status={g.status} data-testid="grant-status" />
            {g.expiresAt ? (
              <span>
                expires <Time value={g.expiresAt} />
              </span>
            ) : null}
            {g.revokedAt ? (
              <span>
                removed <Time value={g.revokedAt} /> ({g.revokeReason})
              </span>
            ) : null}
          </div>
          <p className="mb-2 text-sm">
            Role <code>{g.roleName}</code> with {g.permissions.length} permissions:
          </p>
          <pre className="max-h-64 overflow-auto rounded bg-slate-900 p-3 text-xs text-slate-100">
            {JSON.stringify(g.roleDocument, null, 2)}
          </pre>
          {mine && g.status === "active" ? (
            <ActionForm action={giveBackAction} className="mt-4" label="Give back early">
              <input type="hidden" name="grantId" value={g.id} />
              <input type="hidden" name="requestId" value={r.id} />
              <Button type="submit" variant="secondary">
                Give back early
              </Button>
            </ActionForm>
          ) : null}
        </TitledCard>
      ))}
    </div>
  );
}
