import { notFound } from "next/navigation";
import { EvidenceDownloads } from "@/components/evidence/evidence-downloads";
import { GrantUsageCard } from "@/components/reports/grant-usage";
import { RequestDetail } from "@/components/requests/request-detail";
import { requireSessionCtx } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { evidenceGrantIds } from "@/lib/evidence/build-pack";
import { getRequestView, type RequestViewDto } from "@/lib/requests/request-view";
import { listGrantUsage } from "@/lib/usage/request-usage";

export const metadata = { title: "Request" };

async function load(id: string) {
  const ctx = await requireSessionCtx();
  try {
    const view: RequestViewDto = await getRequestView({ ctx, input: { requestId: id } });
    // Only grants that were ever live can have been used.
    const live = view.request.grants.filter((g) => g.activatedAt !== null).map((g) => g.id);
    const usage = await listGrantUsage({ ctx, grantIds: live });
    // Evidence: grants that were ever live, visible like the grant (own user, auditors, admins).
    const evidence = evidenceGrantIds(
      ctx,
      view.request.grants.filter((g) => g.activatedAt !== null),
    );
    return { view, usage, evidence };
  } catch (err) {
    // Another org's id, a malformed id, or one this person may not see: all read as "not found".
    if (err instanceof AppError && (err.code === "not_found" || err.code === "validation")) notFound();
    throw err;
  }
}

export default async function RequestPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { view, usage, evidence } = await load(id);
  const targetOf = new Map(view.request.grants.map((g) => [g.id, g.target.name]));
  return (
    <div className="space-y-6">
      <RequestDetail initial={view} />
      {usage.length ? (
        <div className="max-w-3xl space-y-6" data-testid="grant-usage">
          {usage.map((u) => (
            <GrantUsageCard key={u.grantId} usage={u} targetName={targetOf.get(u.grantId) ?? ""} />
          ))}
        </div>
      ) : null}
      {evidence.length ? (
        <div className="max-w-3xl">
          <EvidenceDownloads
            requestId={view.request.id}
            grants={evidence.map((id) => ({ id, targetName: targetOf.get(id) ?? "" }))}
          />
        </div>
      ) : null}
    </div>
  );
}
