import Link from "next/link";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/input";

export type RequestFilters = { status: string; target: string; before: string };

/** A plain GET form: filters live in the URL, so they can be bookmarked and work without JavaScript. */
export function RequestsFilter({
  filters,
  statuses,
  targets,
}: {
  filters: RequestFilters;
  statuses: readonly string[];
  targets: { id: string; name: string; cloud: string }[];
}) {
  const label = "block text-sm font-medium text-foreground";
  return (
    <form
      method="get"
      action="/requests"
      className="flex flex-wrap items-end gap-3"
      aria-label="Filter requests"
    >
      <div>
        <label htmlFor="f-status" className={label}>
          Status
        </label>
        <Select id="f-status" name="status" defaultValue={filters.status} className="mt-1 w-40">
          <option value="">Any status</option>
          {statuses.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </Select>
      </div>
      <div>
        <label htmlFor="f-target" className={label}>
          Target
        </label>
        <Select id="f-target" name="target" defaultValue={filters.target} className="mt-1 w-56">
          <option value="">Any target</option>
          {targets.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name} ({t.cloud})
            </option>
          ))}
        </Select>
      </div>
      <div>
        <label htmlFor="f-before" className={label}>
          Submitted on or before
        </label>
        <Input id="f-before" name="before" type="date" defaultValue={filters.before} className="mt-1 w-44" />
      </div>
      <Button type="submit">Apply filters</Button>
      <Link href="/requests" className="py-2 text-sm font-medium text-primary underline underline-offset-4">
        Clear
      </Link>
    </form>
  );
}
