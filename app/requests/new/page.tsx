import { NewRequestForm } from "@/components/requests/new-request-form";
import { TitledCard } from "@/components/ui/card";
import { requireSessionCtx } from "@/lib/auth/session";
import { listTargets, listTemplates } from "@/lib/catalog/list";
import { RESOURCE_FORMATS } from "@/lib/catalog/resources";
import { CLOUDS, type Cloud, permissionsOn } from "@/lib/clouds/kinds";
import { getActivePolicy } from "@/lib/requests";

/** Labels and examples of each kind of resource per cloud, without the server-side checks. */
function resourceFormats() {
  return Object.fromEntries(
    Object.entries(RESOURCE_FORMATS).map(([cloud, kinds]) => [
      cloud,
      Object.fromEntries(Object.entries(kinds).map(([k, f]) => [k, { label: f.label, example: f.example }])),
    ]),
  ) as Record<Cloud, Record<string, { label: string; example: string }>>;
}

export const metadata = { title: "Request access" };

export default async function NewRequestPage() {
  const ctx = await requireSessionCtx("requests.create");
  const [targets, templates, policy] = await Promise.all([
    listTargets({ ctx }),
    listTemplates({ ctx }),
    getActivePolicy(ctx.db, ctx.orgId),
  ]);
  return (
    <div className="max-w-3xl space-y-6">
      <h1 className="text-2xl font-bold">Request access</h1>
      <TitledCard
        id="new-request"
        title="What do you need?"
        description="Pick where and what; Elevate builds the least access that does it and removes it when time is up."
      >
        <NewRequestForm
          targets={targets.map(({ id, name, cloud, externalId }) => ({ id, name, cloud, externalId }))}
          templates={templates.map((t) => ({
            id: t.id,
            label: t.name,
            description: t.description,
            risk: t.risk,
            placeholders: t.placeholders,
            clouds: CLOUDS.filter((c) => permissionsOn(t.permissions, c).length > 0),
          }))}
          maxMinutes={Math.floor(policy.document.defaults.maxDurationSeconds / 60)}
          justificationRequired={policy.document.defaults.justificationRequired}
          resourceFormats={resourceFormats()}
        />
      </TitledCard>
    </div>
  );
}
