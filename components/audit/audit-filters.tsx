import Link from "next/link";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";

export type AuditFilterValues = {
  actor?: string;
  action?: string;
  subjectId?: string;
  from?: string;
  to?: string;
};

const FIELDS = [
  { name: "actor", label: "Actor (email, user id or job)", type: "text" },
  { name: "action", label: "Action (exact, or prefix ending in “.”)", type: "text" },
  { name: "subjectId", label: "Subject id", type: "text" },
  { name: "from", label: "From (UTC)", type: "datetime-local" },
  { name: "to", label: "To (UTC)", type: "datetime-local" },
] as const;

/** A GET form, so a filtered view is a link that can be shared and exported. */
export function AuditFilters({ values, invalidField }: { values: AuditFilterValues; invalidField?: string }) {
  return (
    <form
      method="get"
      aria-label="Filter audit events"
      className="grid gap-3 sm:grid-cols-3 lg:grid-cols-6 lg:items-end"
    >
      {FIELDS.map((f) => (
        <div key={f.name}>
          <label htmlFor={`audit-${f.name}`} className="block text-sm font-medium text-foreground">
            {f.label}
          </label>
          <Input
            id={`audit-${f.name}`}
            name={f.name}
            type={f.type}
            defaultValue={values[f.name] ?? ""}
            aria-invalid={invalidField === f.name || undefined}
          />
        </div>
      ))}
      <div className="flex items-center gap-3">
        <Button type="submit" variant="secondary">
          Filter
        </Button>
        <Link href="/audit" className="text-sm text-primary underline underline-offset-4">
          Clear
        </Link>
      </div>
    </form>
  );
}

/** datetime-local sends "2026-05-01T14:03" with no zone; the form says UTC, so read it as UTC. */
export function utcInput(value: string | undefined): string | undefined {
  if (!value) return undefined;
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value) ? `${value}Z` : value;
}
