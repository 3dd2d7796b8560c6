import Link from "next/link";
import { FilterSelect } from "@/components/admin/filter-select";
import { RevokeGrantForm } from "@/components/admin/revoke-grant-form";
import { RiskBadge, StatusBadge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { TitledCard } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { withQuery } from "@/components/ui/href";
import { Input } from "@/components/ui/input";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import { customLabel } from "@/lib/access/request-label";
import { listActiveGrants } from "@/lib/admin";
import { findUserByEmail } from "@/lib/auth/org";
import { requireSessionCtx } from "@/lib/auth/session";
import { listTargets, listTemplates } from "@/lib/catalog/list";
import { AppError } from "@/lib/errors";
import { revokeGrantAction } from "../actions";

export const metadata = { title: "Active grants" };

type Search = { targetId?: string; user?: string; templateId?: string; cursor?: string };
// A page an admin can scan; more rows only make the page slower to render and to read.
const PAGE_SIZE = 25;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;

export default async function AdminGrantsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await requireSessionCtx("grants.revoke");
  const sp = await searchParams;
  const filters: Search = {
    targetId: one(sp.targetId),
    user: one(sp.user)?.trim(),
    templateId: one(sp.templateId),
    cursor: one(sp.cursor),
  };
  // People are found by email, typed: an org has too many to list in a select on every page load.
  const person = filters.user ? await findUserByEmail(ctx.db, ctx.orgId, filters.user) : null;
  const [result, targets, templates] = await Promise.all([
    filters.user && !person
      ? new AppError("validation", `user: nobody in this organization has the email ${filters.user}`, "user")
      : listActiveGrants({
          ctx,
          input: {
            targetId: filters.targetId,
            templateId: filters.templateId,
            cursor: filters.cursor,
            userId: person?.id,
            limit: PAGE_SIZE,
          },
        }).catch((err: unknown) => {
          if (err instanceof AppError && err.code === "validation") return err;
          throw err;
        }),
    listTargets({ ctx }),
    listTemplates({ ctx }),
  ]);
  const next = result instanceof AppError ? null : result.nextCursor;
  const nextHref = next ? withQuery("/admin/grants", { ...filters, cursor: next }) : null;

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Active grants</h1>
      <form method="get" aria-label="Filter grants" className="flex flex-wrap items-end gap-3">
        <FilterSelect id="f-target" name="targetId" label="Target" value={filters.targetId}>
          {targets.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name} ({t.cloud})
            </option>
          ))}
        </FilterSelect>
        <div className="min-w-56">
          <label htmlFor="f-user" className="block text-sm font-medium text-foreground">
            User email
          </label>
          <Input id="f-user" name="user" type="search" defaultValue={filters.user ?? ""} autoComplete="off" />
        </div>
        <FilterSelect id="f-template" name="templateId" label="Template" value={filters.templateId}>
          {templates.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </FilterSelect>
        <Button type="submit" variant="secondary">
          Filter
        </Button>
        <Link href="/admin/grants" className="text-sm text-primary underline underline-offset-4">
          Clear
        </Link>
      </form>

      <TitledCard
        id="grants"
        title="Live grants"
        description="Newest first. Revoking asks the cloud to remove access at once."
      >
        {result instanceof AppError ? (
          <p role="alert" className="text-sm font-medium text-destructive">
            {result.message}
          </p>
        ) : result.items.length === 0 ? (
          <EmptyState
            title="No live grants"
            description="Nothing matches these filters; approved requests appear here while they hold access."
          />
        ) : (
          <Table>
            <caption className="sr-only">Live grants across the organization</caption>
            <THead>
              <TR>
                <TH>User</TH>
                <TH>Target</TH>
                <TH>Template</TH>
                <TH>Status</TH>
                <TH>Expires</TH>
                <TH>
                  <span className="sr-only">Actions</span>
                </TH>
              </TR>
            </THead>
            <TBody>
              {result.items.map((g) => (
                <TR key={g.id} data-testid={`admin-grant-${g.id}`}>
                  <TD>
                    <div className="font-medium">{g.user.name ?? g.user.email}</div>
                    <div className="text-xs text-muted-foreground">{g.user.email}</div>
                  </TD>
                  <TD>
                    {g.target.name} <span className="text-muted-foreground">({g.target.cloud})</span>
                  </TD>
                  <TD>
                    <div>{g.template?.name ?? customLabel(g.permissionCount)}</div>
                    <div className="mt-1 flex flex-wrap gap-1">
                      {g.template ? <RiskBadge risk={g.template.risk} /> : null}
                      <span className="text-xs text-muted-foreground">{g.permissionCount} permissions</span>
                    </div>
                  </TD>
                  <TD>
                    <StatusBadge status={g.status} />
                    {g.lastError ? <div className="mt-1 text-xs text-destructive">{g.lastError}</div> : null}
                  </TD>
                  <TD>
                    {g.expiresAt ? (
                      <Time value={g.expiresAt} />
                    ) : (
                      <span className="text-muted-foreground">not yet active</span>
                    )}
                  </TD>
                  <TD>
                    {g.status === "revoking" || g.status === "revoke_stuck" ? (
                      <span className="text-xs text-muted-foreground">revocation under way</span>
                    ) : (
                      <RevokeGrantForm grantId={g.id} action={revokeGrantAction} />
                    )}
                  </TD>
                </TR>
              ))}
            </TBody>
          </Table>
        )}
        {nextHref ? (
          <p className="mt-4 text-sm">
            <Link href={nextHref} className="text-primary underline underline-offset-4">
              Next page
            </Link>
          </p>
        ) : null}
      </TitledCard>
    </div>
  );
}
