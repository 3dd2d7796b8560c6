import { Button } from "@/components/ui/button";
import { FieldError } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { CLOUD_LABELS, CLOUDS } from "@/lib/clouds/kinds";

export type SearchValues = {
  q?: string;
  cloud?: string;
  service?: string;
  accessLevel?: string;
  risk?: string;
};

const ACCESS = ["list", "read", "write", "tagging", "permissions"];
const RISKS = [
  ["high", "High risk"],
  ["medium", "Medium risk"],
  ["low", "Low risk"],
  ["privesc:iam-write", "Escalation: writes IAM"],
  ["privesc:pass-role", "Escalation: passes roles"],
  ["privesc:credentials", "Escalation: mints credentials"],
  ["privesc:run-as", "Escalation: runs as another identity"],
  ["permissions-management", "Permissions management"],
  ["write", "Write"],
  ["data-access", "Data access"],
] as const;

/** A GET form: the URL holds the search, so results can be linked and the back button works. */
export function CatalogSearchForm({
  values,
  error,
}: {
  values: SearchValues;
  error?: { field?: string; message: string };
}) {
  const err = (f: string) =>
    error?.field === f || (f === "q" && error?.field === "query") ? error.message : null;
  return (
    <form method="get" aria-label="Search the catalog" className="space-y-3">
      <div>
        <label htmlFor="catalog-q" className="block text-sm font-medium">
          What do you need to do?
        </label>
        <div className="mt-1 flex gap-2">
          <Input
            id="catalog-q"
            name="q"
            type="search"
            defaultValue={values.q}
            maxLength={200}
            placeholder='e.g. "ssh", "restart vm", "read bucket", s3:GetObject'
            aria-invalid={!!err("q") || undefined}
            aria-describedby={err("q") ? "catalog-q-error" : undefined}
          />
          <Button type="submit">Search</Button>
        </div>
        <FieldError id="catalog-q" message={err("q")} />
      </div>
      <div className="flex flex-wrap gap-3">
        <Filter id="catalog-cloud" name="cloud" label="Cloud" value={values.cloud} error={err("cloud")}>
          {CLOUDS.map((c) => (
            <option key={c} value={c}>
              {CLOUD_LABELS[c]}
            </option>
          ))}
        </Filter>
        <div className="min-w-44">
          <label htmlFor="catalog-service" className="block text-sm font-medium">
            Service
          </label>
          <Input
            id="catalog-service"
            name="service"
            defaultValue={values.service}
            maxLength={100}
            placeholder="e.g. s3, compute"
            aria-invalid={!!err("service") || undefined}
            aria-describedby={err("service") ? "catalog-service-error" : undefined}
          />
          <FieldError id="catalog-service" message={err("service")} />
        </div>
        <Filter
          id="catalog-access"
          name="accessLevel"
          label="Access level"
          value={values.accessLevel}
          error={err("accessLevel")}
        >
          {ACCESS.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </Filter>
        <Filter id="catalog-risk" name="risk" label="Risk" value={values.risk} error={err("risk")}>
          {RISKS.map(([v, l]) => (
            <option key={v} value={v}>
              {l}
            </option>
          ))}
        </Filter>
      </div>
    </form>
  );
}

function Filter(props: {
  id: string;
  name: string;
  label: string;
  value?: string;
  error: string | null;
  children: React.ReactNode;
}) {
  return (
    <div className="min-w-44">
      <label htmlFor={props.id} className="block text-sm font-medium">
        {props.label}
      </label>
      <Select
        id={props.id}
        name={props.name}
        defaultValue={props.value ?? ""}
        aria-invalid={!!props.error || undefined}
        aria-describedby={props.error ? `${props.id}-error` : undefined}
      >
        <option value="">Any</option>
        {props.children}
      </Select>
      <FieldError id={props.id} message={props.error} />
    </div>
  );
}
