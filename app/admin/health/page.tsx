import { Badge } from "@/components/ui/badge";
import { TitledCard } from "@/components/ui/card";
import { Time } from "@/components/ui/time";
import { getSystemHealth } from "@/lib/admin";
import { requireSessionCtx } from "@/lib/auth/session";

export const metadata = { title: "Health" };

function Ok({ ok, good, bad }: { ok: boolean; good: string; bad: string }) {
  return <Badge tone={ok ? "success" : "danger"}>{ok ? good : bad}</Badge>;
}

export default async function AdminHealthPage() {
  const ctx = await requireSessionCtx("system.health");
  const h = await getSystemHealth({ ctx });
  const stuck = h.grantsStuck;
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">System health</h1>
      <p className="text-sm text-muted-foreground">
        Checked <Time value={h.checkedAt} />.
      </p>
      <div className="grid gap-4 sm:grid-cols-2">
        <TitledCard id="health-db" title="Database">
          <dl className="space-y-1 text-sm" data-testid="health-database">
            <div className="flex gap-2">
              <dt className="text-muted-foreground">Status</dt>
              <dd>
                <Ok ok={h.database.ok} good="reachable" bad="unreachable" />
              </dd>
            </div>
            <div className="flex gap-2">
              <dt className="text-muted-foreground">Kind</dt>
              <dd>{h.database.kind === "pglite" ? "PGlite (embedded)" : "PostgreSQL"}</dd>
            </div>
            {h.database.latencyMs !== null ? (
              <div className="flex gap-2">
                <dt className="text-muted-foreground">Round trip</dt>
                <dd>{h.database.latencyMs} ms</dd>
              </div>
            ) : null}
            {h.database.error ? <p className="text-destructive">{h.database.error}</p> : null}
          </dl>
        </TitledCard>
        <TitledCard id="health-workflows" title="Workflow driver">
          <p className="text-sm" data-testid="health-workflows">
            {h.workflows.kind === "inline" ? "Inline (timers in this process)" : h.workflows.kind}
          </p>
        </TitledCard>
        <TitledCard id="health-reconciler" title="Reconciler">
          <div className="space-y-1 text-sm" data-testid="health-reconciler">
            <Ok ok={!h.reconciler.stale} good="running" bad="not running recently" />
            <p>
              Last run:{" "}
              {h.reconciler.lastRunAt ? (
                <Time value={h.reconciler.lastRunAt} />
              ) : (
                <span className="text-muted-foreground">never</span>
              )}
            </p>
          </div>
        </TitledCard>
        <TitledCard id="health-stuck" title="Grants stuck">
          <dl className="space-y-1 text-sm" data-testid="health-stuck">
            <div className="flex gap-2">
              <dt className="text-muted-foreground">Revocation stuck</dt>
              <dd>{stuck.revokeStuck}</dd>
            </div>
            <div className="flex gap-2">
              <dt className="text-muted-foreground">Provisioning over 5 minutes</dt>
              <dd>{stuck.provisioningStale}</dd>
            </div>
            <div className="flex gap-2">
              <dt className="text-muted-foreground">Active past expiry (over 1 minute)</dt>
              <dd>{stuck.activePastExpiry}</dd>
            </div>
            <div className="flex gap-2 pt-1">
              <dt className="sr-only">Overall</dt>
              <dd>
                <Ok ok={stuck.total === 0} good="none stuck" bad={`${stuck.total} need attention`} />
              </dd>
            </div>
          </dl>
        </TitledCard>
      </div>
    </div>
  );
}
