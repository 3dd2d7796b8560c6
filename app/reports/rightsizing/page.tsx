import { RecommendationCard } from "@/components/reports/recommendation-card";
import { EmptyState } from "@/components/ui/empty-state";
import { requireSessionCtx } from "@/lib/auth/session";
import { hasPermission } from "@/lib/ctx";
import { DEFAULT_WINDOW_DAYS, listRecommendations } from "@/lib/usage/rightsizing";

export const metadata = { title: "Right-sizing" };

const WINDOWS = [30, 90, 180, 365];

export default async function RightsizingPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await requireSessionCtx("audit.read");
  const asked = Number([(await searchParams).window].flat()[0]);
  const windowDays = WINDOWS.includes(asked) ? asked : DEFAULT_WINDOW_DAYS;
  const { items } = await listRecommendations({ ctx, input: { windowDays } });
  const canApply = hasPermission(ctx, "templates.edit");
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-bold">Right-sizing</h1>
          <p className="text-sm text-muted-foreground">
            Granted compared with used over the last {windowDays} days, from the clouds' audit logs.
          </p>
        </div>
        <form className="flex items-end gap-2" method="get">
          <label className="text-sm" htmlFor="window">
            Window
          </label>
          <select
            id="window"
            name="window"
            defaultValue={windowDays}
            className="rounded-md border border-input bg-background px-2 py-1 text-sm"
          >
            {WINDOWS.map((d) => (
              <option key={d} value={d}>
                {d} days
              </option>
            ))}
          </select>
          <button type="submit" className="rounded-md border border-input px-3 py-1 text-sm font-medium">
            Show
          </button>
        </form>
      </div>
      {items.length === 0 ? (
        <EmptyState
          title="No recommendations for this window"
          description="They appear once audit logs are imported and grants have been used."
        />
      ) : (
        items.map((rec) => (
          <RecommendationCard key={rec.id} rec={rec} windowDays={windowDays} canApply={canApply} />
        ))
      )}
    </div>
  );
}
