import { Badge, RiskBadge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import type { SearchResultDto } from "@/lib/catalog";
import { CLOUDS, permissionsOn } from "@/lib/clouds/kinds";

/** The search document appends placeholder names to a template's description so they match; not for display. */
function withoutPlaceholders(t: SearchResultDto): string {
  const suffix = ` ${t.template?.placeholders.join(" ") ?? ""}`;
  return t.description.endsWith(suffix) ? t.description.slice(0, -suffix.length) : t.description;
}

/** Templates first (what most people want), then single permissions with their access level and risk tags. */
export function CatalogResults({ results }: { results: SearchResultDto[] }) {
  const templates = results.filter((r) => r.kind === "template");
  const permissions = results.filter((r) => r.kind === "permission");
  if (!results.length)
    return (
      <EmptyState
        title="Nothing matches"
        description="Try other words or clear a filter; small typos are forgiven."
      />
    );
  return (
    <div className="space-y-6">
      {templates.length ? (
        <section aria-labelledby="catalog-templates">
          <h2 id="catalog-templates" className="mb-2 text-lg font-semibold">
            Task templates
          </h2>
          <ul className="space-y-3">
            {templates.map((t) => (
              <li
                key={t.name}
                data-testid={`catalog-result-template-${t.name}`}
                className="rounded-md border border-border p-4"
              >
                <div className="flex flex-wrap items-center gap-2">
                  <h3 className="font-semibold">{t.title}</h3>
                  <RiskBadge risk={t.riskLevel} />
                  <code className="font-mono text-xs text-muted-foreground">{t.name}</code>
                </div>
                <p className="mt-1 text-sm text-muted-foreground">{withoutPlaceholders(t)}</p>
                {t.template ? (
                  <dl className="mt-2 grid gap-3 sm:grid-cols-3">
                    {CLOUDS.map((c) => (
                      <div key={c}>
                        <dt className="text-xs font-semibold uppercase text-muted-foreground">{c}</dt>
                        <dd className="font-mono text-xs break-all">
                          {(t.template ? permissionsOn(t.template.permissions, c) : []).join(", ") || (
                            <span className="font-sans text-muted-foreground">not available</span>
                          )}
                        </dd>
                      </div>
                    ))}
                  </dl>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {permissions.length ? (
        <section aria-labelledby="catalog-permissions">
          <h2 id="catalog-permissions" className="mb-2 text-lg font-semibold">
            Permissions
          </h2>
          <Table>
            <caption className="sr-only">Matching permissions</caption>
            <THead>
              <TR>
                <TH>Permission</TH>
                <TH>Cloud</TH>
                <TH>Service</TH>
                <TH>Access</TH>
                <TH>Risk</TH>
              </TR>
            </THead>
            <TBody>
              {permissions.map((p) => (
                <TR key={`${p.cloud}:${p.name}`} data-testid={`catalog-result-${p.cloud}-${p.name}`}>
                  <TD>
                    <code className="font-mono text-xs break-all">{p.name}</code>
                    {p.description ? <p className="text-xs text-muted-foreground">{p.description}</p> : null}
                  </TD>
                  <TD className="uppercase">{p.cloud}</TD>
                  <TD>{p.service}</TD>
                  <TD>{p.accessLevel}</TD>
                  <TD>
                    <ul aria-label="Risk" className="flex flex-wrap gap-1">
                      <li>
                        <RiskBadge risk={p.riskLevel} />
                      </li>
                      {p.risk.map((tag) => (
                        <li key={tag}>
                          <Badge tone={tag.startsWith("privesc") ? "danger" : "neutral"}>{tag}</Badge>
                        </li>
                      ))}
                    </ul>
                  </TD>
                </TR>
              ))}
            </TBody>
          </Table>
        </section>
      ) : null}
    </div>
  );
}
