import { Badge } from "@/components/ui/badge";
import { TitledCard } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import type { GrantUsageDto } from "@/lib/usage/grant-usage";

/** Observed usage of one grant: "used X of Y permissions", then per permission counts and times. */
export function GrantUsageCard({ usage: u, targetName }: { usage: GrantUsageDto; targetName: string }) {
  const id = `grant-${u.grantId}-usage`;
  return (
    <TitledCard
      id={id}
      title={`Used versus granted on ${targetName}`}
      description="From the cloud's audit logs, attributed to this grant."
    >
      <p className="mb-3 text-sm" data-testid="grant-usage-summary">
        Used <strong>{u.usedCount}</strong> of <strong>{u.grantedCount}</strong> permissions ·{" "}
        {u.allowedCalls} allowed calls · {u.deniedCalls} denied attempts
      </p>
      {u.permissions.length === 0 ? (
        <EmptyState
          title="No calls observed yet"
          description="Usage appears here once audit logs are imported."
        />
      ) : (
        <Table aria-label="Usage per permission" data-testid="grant-usage-table">
          <THead>
            <TR>
              <TH>Permission</TH>
              <TH>In role</TH>
              <TH>Allowed</TH>
              <TH>Denied</TH>
              <TH>First seen</TH>
              <TH>Last seen</TH>
            </TR>
          </THead>
          <TBody>
            {u.permissions.map((p) => (
              <TR key={p.permission}>
                <TD>
                  <code className="font-mono">{p.permission}</code>
                </TD>
                <TD>
                  {p.granted ? (
                    p.allowed > 0 ? (
                      <Badge tone="success">used</Badge>
                    ) : (
                      <Badge>never used</Badge>
                    )
                  ) : (
                    <Badge tone="warning">not granted</Badge>
                  )}
                </TD>
                <TD className="tabular-nums">{p.allowed}</TD>
                <TD className="tabular-nums">{p.denied}</TD>
                <TD>{p.firstSeen ? <Time value={p.firstSeen} /> : "—"}</TD>
                <TD>{p.lastSeen ? <Time value={p.lastSeen} /> : "—"}</TD>
              </TR>
            ))}
          </TBody>
        </Table>
      )}
    </TitledCard>
  );
}
