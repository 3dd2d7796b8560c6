import Link from "next/link";
import { RiskBadge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { requireSessionCtx } from "@/lib/auth/session";
import { listTemplates } from "@/lib/catalog/list";
import { CLOUDS, permissionsOn } from "@/lib/clouds/kinds";

export const metadata = { title: "Templates" };

export default async function AdminTemplatesPage() {
  const ctx = await requireSessionCtx("templates.edit");
  const templates = await listTemplates({ ctx });
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <div>
          <h1 className="text-2xl font-bold">Task templates</h1>
          <p className="text-sm text-muted-foreground">
            Latest version of each template. Every save keeps the old version; requests keep the version they
            used.
          </p>
        </div>
        <Button asChild>
          <Link href="/admin/templates/new">New template</Link>
        </Button>
      </div>
      {templates.length === 0 ? (
        <EmptyState title="No templates" description="Create one to offer a task on every cloud." />
      ) : (
        <Table>
          <caption className="sr-only">Task templates</caption>
          <THead>
            <TR>
              <TH>Template</TH>
              <TH>Key</TH>
              <TH>Version</TH>
              <TH>Risk</TH>
              {CLOUDS.map((c) => (
                <TH key={c} className="uppercase">
                  {c}
                </TH>
              ))}
            </TR>
          </THead>
          <TBody>
            {templates.map((t) => (
              <TR key={t.id} data-testid={`admin-template-${t.key}`}>
                <TD>
                  <Link
                    href={`/admin/templates/${encodeURIComponent(t.key)}`}
                    className="font-medium text-primary hover:underline"
                  >
                    {t.name}
                  </Link>
                  <p className="text-xs text-muted-foreground">{t.description}</p>
                </TD>
                <TD>
                  <code className="font-mono text-xs">{t.key}</code>
                </TD>
                <TD className="tabular-nums">{t.version}</TD>
                <TD>
                  <RiskBadge risk={t.risk} />
                </TD>
                {CLOUDS.map((c) => (
                  <TD key={c} className="tabular-nums">
                    {permissionsOn(t.permissions, c).length || (
                      <span className="text-muted-foreground">none</span>
                    )}
                  </TD>
                ))}
              </TR>
            ))}
          </TBody>
        </Table>
      )}
    </div>
  );
}
