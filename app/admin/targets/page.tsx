import { Fragment } from "react";
import { OwnerGroupForm } from "@/components/admin/owner-group-form";
import { TargetPolicyForm } from "@/components/admin/target-policy-form";
import { ConnectTargetForm } from "@/components/targets/connect-target-form";
import { DriftPanel } from "@/components/targets/drift-panel";
import { TestConnectionButton } from "@/components/targets/test-connection-button";
import { Badge } from "@/components/ui/badge";
import { TitledCard } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { listGroups } from "@/lib/admin";
import { requireSessionCtx } from "@/lib/auth/session";
import { ALERT_RATIO } from "@/lib/capacity/limits";
import { type AdminTargetDto, listDrift, listTargetsForAdmin } from "@/lib/targets";
import {
  connectTargetAction,
  setTargetOwnerAction,
  setTargetPolicyAction,
  testConnectionAction,
} from "./actions";

export const metadata = { title: "Targets" };

export default async function AdminTargetsPage() {
  const ctx = await requireSessionCtx("targets.manage");
  const [targets, drift, groups] = await Promise.all([
    listTargetsForAdmin({ ctx }),
    listDrift({ ctx, input: { limit: 50 } }),
    // Owner groups come from the directory (SCIM) or sign-in claims; names only.
    listGroups({ ctx })
      .then((gs) => gs.map((g) => g.name))
      .catch(() => [] as string[]),
  ]);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Targets</h1>
      <TitledCard
        id="connect-target"
        title="Connect a target"
        description="An AWS account, GCP project or Azure subscription. Credentials are referenced by environment-variable name on the Elevate server; Elevate never stores or shows the secrets."
      >
        <ConnectTargetForm action={connectTargetAction} />
      </TitledCard>
      <TitledCard id="targets" title={`${targets.length} targets`}>
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
                <TH>Connection</TH>
                <TH>Quota</TH>
                <TH>Owners</TH>
                <TH>Status</TH>
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
                  <TD>
                    <ConnectionSummary target={t} />
                  </TD>
                  <TD>
                    <QuotaSummary target={t} />
                  </TD>
                  <TD data-testid={`target-owners-${t.id}`}>
                    <OwnerGroupForm
                      action={setTargetOwnerAction}
                      label={`Owners of ${t.name}`}
                      hidden={{ targetId: t.id }}
                      current={t.policy.ownerGroup}
                      groups={groups}
                    />
                  </TD>
                  <TD className="min-w-64">
                    <TestConnectionButton
                      action={testConnectionAction}
                      targetId={t.id}
                      targetName={t.name}
                      last={t.lastCheck}
                    />
                  </TD>
                </TR>
              ))}
            </TBody>
          </Table>
        )}
      </TitledCard>
      {targets.length > 0 ? (
        <TitledCard
          id="policy-fields"
          title="Policy fields"
          description="What approval-policy rules match on: tags, environment and the PagerDuty service for on-call auto-approval (docs/approvals.md)."
        >
          <ul className="space-y-4">
            {targets.map((t) => (
              <li key={t.id} data-testid={`target-policy-${t.id}`}>
                <p className="mb-1 text-sm font-medium">{t.name}</p>
                <TargetPolicyForm action={setTargetPolicyAction} target={t} />
              </li>
            ))}
          </ul>
        </TitledCard>
      ) : null}
      <DriftPanel items={drift} />
    </div>
  );
}

/** Custom roles (and per-grant bindings) used against the cloud's limits; tinted from the alert threshold. */
function QuotaSummary({ target }: { target: AdminTargetDto }) {
  const c = target.capacity;
  if (!c) return <span className="text-muted-foreground">—</span>;
  const rows = [
    { label: "custom roles", ...c.roles },
    ...(c.bindings ? [{ label: "bindings", ...c.bindings }] : []),
  ];
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-2 text-xs" data-testid={`target-quota-${target.id}`}>
      {rows.map((r) => (
        <Fragment key={r.label}>
          <dt className="text-muted-foreground" title={r.what}>
            {r.label}
          </dt>
          <dd>
            <Badge
              tone={r.used >= r.limit ? "danger" : r.used >= r.limit * ALERT_RATIO ? "warning" : "neutral"}
            >
              {r.used.toLocaleString("en-US")} / {r.limit.toLocaleString("en-US")}
            </Badge>
          </dd>
        </Fragment>
      ))}
    </dl>
  );
}

/** Where the adapter connects and which variables hold its credentials (names only). */
function ConnectionSummary({ target }: { target: AdminTargetDto }) {
  const s = target.settings;
  if (target.adapter === "sandbox") return <span className="text-muted-foreground">simulated</span>;
  const c = s.credentials;
  const vars = [c?.accessKeyIdVar, c?.secretAccessKeyVar, c?.sessionTokenVar, c?.var].filter(Boolean);
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-2 text-xs">
      <dt className="text-muted-foreground">Endpoint</dt>
      <dd className="break-all">{s.endpoint ?? "public API"}</dd>
      {s.region ? (
        <>
          <dt className="text-muted-foreground">Region</dt>
          <dd>{s.region}</dd>
        </>
      ) : null}
      <dt className="text-muted-foreground">Credentials</dt>
      <dd>
        {c?.type === "default" ? (
          "SDK default chain"
        ) : vars.length ? (
          <code className="font-mono">{vars.join(", ")}</code>
        ) : (
          "—"
        )}
      </dd>
      {s.pim !== undefined ? (
        <>
          <dt className="text-muted-foreground">PIM</dt>
          <dd>{s.pim ? "on" : "off"}</dd>
        </>
      ) : null}
    </dl>
  );
}
