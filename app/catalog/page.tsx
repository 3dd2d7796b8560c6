import { CatalogSearchForm, type SearchValues } from "@/components/catalog/search-form";
import { CatalogResults } from "@/components/catalog/search-results";
import { requireSessionCtx } from "@/lib/auth/session";
import { searchCatalog } from "@/lib/catalog";
import { AppError } from "@/lib/errors";

export const metadata = { title: "Permission catalog" };

const KEYS = ["q", "cloud", "service", "accessLevel", "risk"] as const;

// URL values are plain strings; the verb validates each one and names the field it rejects.
const asSearchInput = (v: Record<string, unknown>) => v as Parameters<typeof searchCatalog>[0]["input"];

export default async function CatalogPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await requireSessionCtx("requests.read.own");
  const sp = await searchParams;
  const values: SearchValues = {};
  for (const k of KEYS) values[k] = [sp[k]].flat()[0]?.slice(0, 200) || undefined;
  const { q, ...filters } = values;
  const found = q
    ? await searchCatalog({ ctx, input: asSearchInput({ query: q, ...filters, limit: 50 }) }).catch(
        (e: unknown) => {
          if (e instanceof AppError && e.code === "validation") return e;
          throw e;
        },
      )
    : null;
  const error = found instanceof AppError ? { field: found.field, message: found.message } : undefined;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">Find the access you need</h1>
        <p className="text-sm text-muted-foreground">
          Search task templates and every cloud's permissions by what you want to do, a service or a
          permission name.
        </p>
      </div>
      <CatalogSearchForm values={values} error={error} />
      {found && !(found instanceof AppError) ? (
        <section aria-label="Search results" aria-live="polite">
          <p className="mb-3 text-sm text-muted-foreground">
            {found.results.length} result{found.results.length === 1 ? "" : "s"} for “{q}”
          </p>
          <CatalogResults results={found.results} />
        </section>
      ) : null}
    </div>
  );
}
