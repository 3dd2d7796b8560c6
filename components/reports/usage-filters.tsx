import type { UsageDashboardDto } from "@/lib/usage/reports";

const FIELD = "rounded-md border border-input bg-background px-2 py-1 text-sm";

/** The dashboards' filters: a plain GET form, so every filtered view has its own address. */
export function UsageFilters({ d }: { d: UsageDashboardDto }) {
  const f = d.filters;
  return (
    <form method="get" aria-label="Filters" className="flex flex-wrap items-end gap-3 text-sm">
      <label className="flex flex-col gap-1">
        From
        <input type="date" name="from" defaultValue={f.from} className={FIELD} />
      </label>
      <label className="flex flex-col gap-1">
        To
        <input type="date" name="to" defaultValue={f.to} className={FIELD} />
      </label>
      <label className="flex flex-col gap-1">
        Target
        <select name="target" defaultValue={f.targetId ?? ""} className={FIELD}>
          <option value="">All targets</option>
          {d.options.targets.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name} ({t.cloud})
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1">
        Template
        <select name="template" defaultValue={f.templateKey ?? ""} className={FIELD}>
          <option value="">All templates</option>
          <option value="(custom)">Custom permissions</option>
          {d.options.templates.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1">
        Group
        <select name="group" defaultValue={f.group ?? ""} className={FIELD}>
          <option value="">All groups</option>
          {d.options.groups.map((g) => (
            <option key={g} value={g}>
              {g}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="rounded-md border border-input px-3 py-1 font-medium">
        Apply filters
      </button>
    </form>
  );
}
