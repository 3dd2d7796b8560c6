import { Badge } from "@/components/ui/badge";
import { TitledCard } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { requireSessionCtx } from "@/lib/auth/session";
import { listTargets } from "@/lib/catalog/list";

export const metadata = { title: "Targets" };

export default async function AdminTargetsPage() {
  const ctx = await requireSessionCtx("targets.manage");
  const targets = await listTargets({ ctx });
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Targets</h1>
      <TitledCard
        id="targets"
        title={`${targets.length} targets`}
        description="Read-only here; connecting targets arrives with the cloud onboarding work."
      >
        {targets.length === 0 ? (
          <EmptyState
            title="No targets yet"
            description="A target is a cloud account, project or subscription."
          />
        ) : (
          <Table>
            <caption className="sr-only">Targets</caption>
            <THead>
              <TR>
                <TH>Name</TH>
                <TH>Cloud</TH>
                <TH>Account / project / subscription</TH>
                <TH>Adapter</TH>
              </TR>
            </THead>
            <TBody>
              {targets.map((t) => (
                <TR key={t.id} data-testid={`admin-target-${t.id}`}>
                  <TD className="font-medium">{t.name}</TD>
                  <TD>{t.cloud.toUpperCase()}</TD>
                  <TD>
                    <code className="font-mono text-xs">{t.externalId}</code>
                  </TD>
                  <TD>
                    <Badge tone={t.adapter === "sandbox" ? "info" : "neutral"}>{t.adapter}</Badge>
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
