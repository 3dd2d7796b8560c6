import { RiskBadge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { requireSessionCtx } from "@/lib/auth/session";
import { listTemplates } from "@/lib/catalog/list";

export const metadata = { title: "Templates" };

const CLOUDS = ["aws", "gcp", "azure"] as const;

export default async function AdminTemplatesPage() {
  const ctx = await requireSessionCtx("templates.edit");
  const templates = await listTemplates({ ctx });
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Task templates</h1>
      <p className="text-sm text-muted-foreground">
        Read-only here; editing arrives with the catalog work. Latest version of each template.
      </p>
      {templates.length === 0 ? <EmptyState title="No templates" /> : null}
      <ul className="space-y-4">
        {templates.map((t) => (
          <li key={t.id} data-testid={`admin-template-${t.key}`}>
            <Card aria-labelledby={`tpl-${t.id}`} className="p-5">
              <div className="flex flex-wrap items-center gap-2">
                <h2 id={`tpl-${t.id}`} className="text-base font-semibold">
                  {t.name}
                </h2>
                <RiskBadge risk={t.risk} />
                <span className="text-xs text-muted-foreground">
                  <code className="font-mono">{t.key}</code> · version {t.version}
                </span>
              </div>
              <p className="mt-1 text-sm text-muted-foreground">{t.description}</p>
              {t.placeholders.length ? (
                <p className="mt-1 text-xs text-muted-foreground">Narrowed by: {t.placeholders.join(", ")}</p>
              ) : null}
              <dl className="mt-3 grid gap-3 sm:grid-cols-3">
                {CLOUDS.map((c) => (
                  <div key={c}>
                    <dt className="text-xs font-semibold uppercase text-muted-foreground">
                      {c} ({t.permissions[c].length})
                    </dt>
                    <dd>
                      {t.permissions[c].length === 0 ? (
                        <span className="text-xs text-muted-foreground">not available</span>
                      ) : (
                        <ul className="mt-1 space-y-0.5 font-mono text-xs break-all">
                          {t.permissions[c].map((p) => (
                            <li key={p}>{p}</li>
                          ))}
                        </ul>
                      )}
                    </dd>
                  </div>
                ))}
              </dl>
            </Card>
          </li>
        ))}
      </ul>
    </div>
  );
}
