import Link from "next/link";
import { FilterSelect } from "@/components/admin/filter-select";
import { GrantsTable } from "@/components/admin/grants-table";
import { Button } from "@/components/ui/button";
import { TitledCard } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { withQuery } from "@/components/ui/href";
import { Input } from "@/components/ui/input";
import { listActiveGrants } from "@/lib/admin";
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
  const [result, targets, templates] = await Promise.all([
    listActiveGrants({
      ctx,
      input: {
        targetId: filters.targetId,
        templateId: filters.templateId,
        cursor: filters.cursor,
        userEmail: filters.user,
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
          <GrantsTable rows={result.items} revokeAction={revokeGrantAction} />
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
