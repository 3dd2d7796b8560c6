import { PendingChange } from "@/components/policies/pending-change";
import { PolicyEditor } from "@/components/policies/policy-editor";
import { TitledCard } from "@/components/ui/card";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { requireSessionCtx } from "@/lib/auth/session";
import { listTargets, listTemplates } from "@/lib/catalog/list";
import { isPerson } from "@/lib/ctx";
import { getPolicy, listPolicies } from "@/lib/policies";
import { decidePolicyAction, proposePolicyAction, simulatePolicyAction } from "./actions";

export const metadata = { title: "Access policy" };

export default async function AdminPoliciesPage() {
  const ctx = await requireSessionCtx("policies.edit");
  const [active, versions, targets, templates] = await Promise.all([
    getPolicy({ ctx, input: { policyId: "active" } }),
    listPolicies({ ctx }),
    listTargets({ ctx }),
    listTemplates({ ctx }),
  ]);
  const pending = await Promise.all(
    versions.filter((v) => v.status === "pending").map((v) => getPolicy({ ctx, input: { policyId: v.id } })),
  );
  const me = isPerson(ctx.actor) ? ctx.actor.userId : null;
  return (
    <div className="max-w-4xl space-y-6">
      <div>
        <h1 className="text-2xl font-bold">Access policy</h1>
        <p className="text-sm text-muted-foreground">
          Version {active.version} is active. A change applies only once another admin approves it.
        </p>
      </div>
      <TitledCard
        id="pending-changes"
        title="Pending changes"
        description="Changes waiting for a second admin."
      >
        {pending.length === 0 ? (
          <p className="text-sm text-muted-foreground">No pending changes.</p>
        ) : (
          <div className="space-y-4">
            {pending.map((c) => (
              <PendingChange key={c.id} change={c} mine={c.createdBy === me} action={decidePolicyAction} />
            ))}
          </div>
        )}
      </TitledCard>
      <TitledCard id="policy-editor" title="Edit" description="Start from the active version.">
        <PolicyEditor
          activeYaml={active.yaml}
          targets={targets.map((t) => ({ id: t.id, label: `${t.name} (${t.cloud})` }))}
          templates={templates.map((t) => ({ id: t.key, label: `${t.name} (${t.risk} risk)` }))}
          proposeAction={proposePolicyAction}
          simulateAction={simulatePolicyAction}
        />
      </TitledCard>
      <TitledCard id="policy-history" title="History" description="Every version and change, newest first.">
        <Table>
          <THead>
            <TR>
              <TH>Version</TH>
              <TH>Status</TH>
              <TH>Proposed by</TH>
              <TH>Decided by</TH>
              <TH>Rules</TH>
            </TR>
          </THead>
          <TBody>
            {versions.map((v) => (
              <TR key={v.id}>
                <TD>{v.version ?? "—"}</TD>
                <TD>{v.status}</TD>
                <TD>{v.createdByEmail ?? "seed"}</TD>
                <TD>{v.decidedByEmail ?? "—"}</TD>
                <TD>{v.ruleCount}</TD>
              </TR>
            ))}
          </TBody>
        </Table>
      </TitledCard>
    </div>
  );
}
