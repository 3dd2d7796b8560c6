import { Badge } from "@/components/ui/badge";
import { TitledCard } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import type { DriftEventDto } from "@/lib/targets/list-drift";

/** Artifacts tagged as Elevate's that no live grant explained: removed by the reconciler, or stuck. */
export function DriftPanel({ items }: { items: DriftEventDto[] }) {
  const stuck = items.filter((d) => d.outcome === "failed" && !d.resolved).length;
  return (
    <div data-testid="drift-panel">
      <TitledCard
        id="drift"
        title="Drift"
        description="Bindings found in a cloud that no active grant explains. The reconciler removes them and records it here; a failed removal is retried every pass and alerts until it succeeds."
        actions={stuck > 0 ? <Badge tone="danger">{stuck} not removed</Badge> : null}
      >
        {items.length === 0 ? (
          <EmptyState
            title="No drift found"
            description="Every Elevate binding in your clouds belongs to a grant."
          />
        ) : (
          <Table>
            <caption className="sr-only">Drift found by the reconciler, newest first</caption>
            <THead>
              <TR>
                <TH>When</TH>
                <TH>Target</TH>
                <TH>Binding</TH>
                <TH>Role</TH>
                <TH>Outcome</TH>
              </TR>
            </THead>
            <TBody>
              {items.map((d) => (
                <TR key={`${d.bindingId}-${d.at}-${d.outcome}`}>
                  <TD>
                    <Time value={d.at} />
                  </TD>
                  <TD>{d.targetName ?? d.targetId ?? "—"}</TD>
                  <TD>
                    <code className="font-mono text-xs">{d.bindingId}</code>
                  </TD>
                  <TD>
                    <code className="font-mono text-xs">{d.roleName ?? "—"}</code>
                  </TD>
                  <TD>
                    {d.outcome === "removed" ? (
                      <Badge tone="success">removed</Badge>
                    ) : d.resolved ? (
                      <Badge tone="neutral">failed, removed later</Badge>
                    ) : (
                      <span className="flex flex-col gap-1">
                        <Badge tone="danger">could not remove</Badge>
                        {d.error ? <span className="text-xs text-destructive">{d.error}</span> : null}
                      </span>
                    )}
                  </TD>
                </TR>
              ))}
            </TBody>
          </Table>
        )}
      </TitledCard>
    </div>
  );
}
