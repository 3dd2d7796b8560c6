import { ImportForm } from "@/components/catalog/import-form";
import { SyncCatalogButton } from "@/components/catalog/sync-button";
import { TitledCard } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import { requireSessionCtx } from "@/lib/auth/session";
import { IMPORT_FORMATS, listCatalogVersions, listSyncTargets } from "@/lib/catalog";
import { syncCatalogAction } from "./actions";

export const metadata = { title: "Permission catalog" };

const sample = (names: string[], total: number) =>
  names.length ? `${names.slice(0, 5).join(", ")}${total > 5 ? `, … (${total})` : ""}` : "—";

export default async function AdminCatalogPage() {
  const ctx = await requireSessionCtx("templates.edit");
  const [versions, syncTargets] = await Promise.all([listCatalogVersions({ ctx }), listSyncTargets({ ctx })]);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Permission catalog</h1>
      <p className="text-sm text-muted-foreground">
        AWS comes from iam-data; GCP and Azure ship in full from the iam-dataset (every permission of their
        predefined and built-in roles). Import your clouds' own exports to add what they know (descriptions,
        custom-role support, newer permissions); each import replaces the previous one of the same format.
      </p>
      {syncTargets.length > 0 ? (
        <TitledCard
          id="catalog-sync"
          title="Sync from a cloud"
          description="Reads the cloud's own roles and permissions through the target's credentials; a malformed answer changes nothing."
        >
          <ul className="space-y-3">
            {syncTargets.map((t) => (
              <li key={t.id} className="flex flex-wrap items-center gap-3">
                <span className="min-w-48 text-sm">
                  <span className="font-medium">{t.name}</span>{" "}
                  <span className="text-muted-foreground uppercase">{t.cloud}</span>{" "}
                  <code className="font-mono text-xs text-muted-foreground">{t.externalId}</code>
                </span>
                <SyncCatalogButton targetId={t.id} targetName={t.name} action={syncCatalogAction} />
              </li>
            ))}
          </ul>
        </TitledCard>
      ) : null}
      <TitledCard
        id="catalog-import"
        title="Import an export"
        description="A malformed file is refused and changes nothing."
      >
        <ImportForm formats={Object.keys(IMPORT_FORMATS)} />
      </TitledCard>
      <TitledCard
        id="catalog-versions"
        title="Catalog versions"
        description="Newest first; what each import added and removed."
      >
        {versions.length === 0 ? (
          <EmptyState title="No imports yet" description="The built-in catalog is in use." />
        ) : (
          <Table>
            <caption className="sr-only">Catalog versions</caption>
            <THead>
              <TR>
                <TH>When</TH>
                <TH>Cloud</TH>
                <TH>Format</TH>
                <TH>Version</TH>
                <TH>Permissions</TH>
                <TH>Roles</TH>
                <TH>Added</TH>
                <TH>Removed</TH>
              </TR>
            </THead>
            <TBody>
              {versions.map((v) => (
                <TR key={v.id} data-testid={`catalog-version-${v.format}-${v.version}`}>
                  <TD className="whitespace-nowrap">
                    <Time value={v.createdAt} />
                  </TD>
                  <TD className="uppercase">{v.cloud}</TD>
                  <TD>
                    <code className="font-mono text-xs">{v.format}</code>
                  </TD>
                  <TD className="tabular-nums">{v.version}</TD>
                  <TD className="tabular-nums">{v.permissionCount}</TD>
                  <TD className="tabular-nums">{v.roleCount}</TD>
                  <TD>
                    <span className="tabular-nums">{v.added}</span>
                    <p className="max-w-xs break-all font-mono text-xs text-muted-foreground">
                      {sample(v.changes.added, v.added)}
                    </p>
                  </TD>
                  <TD>
                    <span className="tabular-nums">{v.removed}</span>
                    <p className="max-w-xs break-all font-mono text-xs text-muted-foreground">
                      {sample(v.changes.removed, v.removed)}
                    </p>
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
