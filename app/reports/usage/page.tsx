import { ChartCard } from "@/components/reports/chart-card";
import { UsageFilters } from "@/components/reports/usage-filters";
import { ActionForm } from "@/components/requests/action-form";
import { Button } from "@/components/ui/button";
import { Time } from "@/components/ui/time";
import { requireSessionCtx } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { REQUEST_STATUSES } from "@/lib/requests/request-state";
import { getUsageDashboard } from "@/lib/usage/reports";
import { refreshRollupsAction } from "../actions";

export const metadata = { title: "Usage reports" };

const one = (v: string | string[] | undefined) => [v].flat()[0]?.trim().slice(0, 200) || undefined;
const col = (key: string, label: string) => ({ key, label });

export default async function UsageReportsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await requireSessionCtx("audit.read");
  const sp = await searchParams;
  const input = {
    from: one(sp.from),
    to: one(sp.to),
    targetId: one(sp.target),
    templateKey: one(sp.template),
    group: one(sp.group),
  };
  // A hand-edited address with a bad filter shows the default view, saying so, rather than an error page.
  const d = await getUsageDashboard({ ctx, input }).catch(async (err: unknown) => {
    if (err instanceof AppError && err.code === "validation")
      return { ...(await getUsageDashboard({ ctx, input: {} })), invalid: err.message };
    throw err;
  });
  const statusCols = REQUEST_STATUSES.map((s) => col(s, s));
  const pct = [col("p50", "p50"), col("p95", "p95")];
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-bold">Usage reports</h1>
          <p className="text-sm text-muted-foreground">
            {d.filters.from} to {d.filters.to} (UTC days). Read from daily roll-ups
            {d.refreshedAt ? (
              <>
                {" "}
                refreshed <Time value={d.refreshedAt} />
              </>
            ) : null}
            .
          </p>
        </div>
        <ActionForm action={refreshRollupsAction} label="Refresh roll-ups">
          <Button type="submit" variant="secondary">
            Refresh recent days
          </Button>
        </ActionForm>
      </div>
      {"invalid" in d ? (
        <p role="alert" className="text-sm text-destructive">
          Filters ignored: {String(d.invalid)}
        </p>
      ) : null}
      <UsageFilters d={d} />
      <div className="grid gap-6 lg:grid-cols-2">
        <ChartCard
          id="requests-by-status"
          title="Requests over time by status"
          kind="stacked"
          x="day"
          series={statusCols}
          columns={[col("day", "Day"), ...statusCols]}
          rows={d.requestsByStatus}
          empty="No requests in this period"
        />
        <ChartCard
          id="time-to-approve"
          title="Time to approve (minutes)"
          description="From submission to approval, weekly."
          kind="line"
          x="week"
          series={pct}
          columns={[col("week", "Week of"), col("n", "Requests"), ...pct]}
          rows={d.timeToApprove}
          empty="No approvals in this period"
        />
        <ChartCard
          id="time-to-access"
          title="Time to access (seconds)"
          description="From submission to the grant going live, weekly."
          kind="line"
          x="week"
          series={pct}
          columns={[col("week", "Week of"), col("n", "Grants"), ...pct]}
          rows={d.timeToAccess}
          empty="No grants went live in this period"
        />
        <ChartCard
          id="decisions-per-approver"
          title="Decisions per approver"
          kind="hbar"
          x="approver"
          series={[col("approvals", "Approved"), col("denials", "Denied")]}
          columns={[col("approver", "Approver"), col("approvals", "Approved"), col("denials", "Denied")]}
          rows={d.decisionsPerApprover}
          empty="No decisions in this period"
        />
        <ChartCard
          id="grants-by-target"
          title="Grants by target"
          kind="hbar"
          x="label"
          series={[col("n", "Grants")]}
          columns={[col("label", "Target"), col("n", "Grants")]}
          rows={d.grantsByTarget}
          empty="No grants in this period"
        />
        <ChartCard
          id="grants-by-template"
          title="Grants by template"
          kind="hbar"
          x="label"
          series={[col("n", "Grants")]}
          columns={[col("label", "Template"), col("n", "Grants")]}
          rows={d.grantsByTemplate}
          empty="No grants in this period"
        />
        <ChartCard
          id="grants-by-cloud"
          title="Grants by cloud"
          kind="bar"
          x="label"
          series={[col("n", "Grants")]}
          columns={[col("label", "Cloud"), col("n", "Grants")]}
          rows={d.grantsByCloud}
          empty="No grants in this period"
        />
        <ChartCard
          id="used-ratio"
          title="Used / granted per template"
          description="Share of granted permissions used at least once, per grant."
          kind="hbar"
          x="template"
          series={[col("ratio", "Used / granted")]}
          columns={[
            col("template", "Template"),
            col("granted", "Permissions granted"),
            col("used", "Used"),
            col("ratio", "Ratio"),
          ]}
          rows={d.usedRatioByTemplate}
          empty="No usage observed for grants in this period"
        />
        <ChartCard
          id="most-unused"
          title="Most unused permissions"
          description="Granted most often without a single call."
          kind="hbar"
          x="permission"
          series={[col("unused", "Grants not using it")]}
          columns={[
            col("permission", "Permission"),
            col("cloud", "Cloud"),
            col("granted", "Grants"),
            col("used", "Used in"),
            col("unused", "Unused in"),
          ]}
          rows={d.mostUnused}
          empty="Every granted permission was used"
        />
        <ChartCard
          id="denied-attempts"
          title="Denied attempts"
          kind="bar"
          x="day"
          series={[col("denied", "Denied calls")]}
          columns={[col("day", "Day"), col("denied", "Denied calls")]}
          rows={d.deniedByDay}
          empty="No denied calls in this period"
        />
        <ChartCard
          id="top-denied"
          title="Most denied permissions"
          kind="hbar"
          x="permission"
          series={[col("denied", "Denied calls")]}
          columns={[col("permission", "Permission"), col("cloud", "Cloud"), col("denied", "Denied calls")]}
          rows={d.topDenied}
          empty="No denied calls in this period"
        />
        <ChartCard
          id="revocation-lateness"
          title="Revocation lateness (seconds)"
          description="From expiry to removal; still-live expired grants count until now."
          kind="line"
          x="week"
          series={pct}
          columns={[col("week", "Week of"), col("n", "Grants"), col("late", "Over a minute late"), ...pct]}
          rows={d.revocationLateness}
          empty="No expiries in this period"
        />
      </div>
    </div>
  );
}
