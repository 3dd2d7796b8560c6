"use client";

import { describedBy, FieldError } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { Label } from "@/components/ui/label";

import type { Cloud } from "@/lib/clouds/kinds";

/** How each kind of resource is written on each cloud (from lib/catalog/resources.ts, without its checks). */
export type ResourceFormats = Record<Cloud, Record<string, { label: string; example: string }>>;

/** What naming a resource does on each cloud, said where the requester chooses (docs/least-privilege.md). */
const NARROWING: Record<Cloud, string> = {
  aws: 'Grants only this resource\'s exact ARNs. Actions AWS allows only on "*" stay account-wide; the preview lists them.',
  gcp: "An IAM condition names exactly this resource. Permissions Google checks on the project stay project-wide; the preview lists them. Cloud Functions, Logging and Monitoring cannot be narrowed with an expiry (a function's own IAM policy takes no conditions): ask for them without a resource.",
  azure:
    "The role is assigned at this resource's scope: it reaches what is inside it, never its parent or siblings.",
  kubernetes:
    "A namespace gives a Role and RoleBinding there only; namespace/name adds resourceNames, so only that object (RBAC cannot limit list, watch or create by name).",
  okta: "An Okta resource set names only this group's users (or the group itself, for group permissions) or this app: the admin role acts on nothing else.",
};

/** The resource field: its kind (a template's placeholder, or chosen with explicit permissions) and name. */
export function ResourceField({
  cloud,
  formats,
  templateKind,
  explicit,
  kind,
  onKind,
  value,
  onChange,
  error,
}: {
  cloud: Cloud | undefined;
  formats: ResourceFormats;
  templateKind: string | undefined;
  explicit: boolean;
  kind: string;
  onKind: (k: string) => void;
  value: string;
  onChange: (v: string) => void;
  error: (field: string) => string | undefined;
}) {
  const effective = explicit ? kind : templateKind;
  const format = cloud && effective ? formats[cloud]?.[effective] : undefined;
  const kinds = cloud ? Object.keys(formats[cloud] ?? {}) : [];
  return (
    <div className="space-y-3">
      {explicit ? (
        <div>
          <Label htmlFor="resourceKind">Resource kind (optional)</Label>
          <Select
            id="resourceKind"
            name="resourceKind"
            className="mt-1"
            value={kind}
            onChange={(e) => onKind(e.target.value)}
            aria-invalid={error("resourceKind") ? true : undefined}
            aria-describedby={describedBy("resourceKind", { error: Boolean(error("resourceKind")) })}
          >
            <option value="">None: the whole target</option>
            {kinds.map((k) => (
              <option key={k} value={k}>
                {cloud ? formats[cloud][k].label : k}
              </option>
            ))}
          </Select>
          <FieldError id="resourceKind" message={error("resourceKind")} />
        </div>
      ) : null}
      <div>
        <Label htmlFor="resource">Resource (optional{format ? `: ${format.label}` : ""})</Label>
        <Input
          id="resource"
          name="resource"
          className="mt-1"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          placeholder={format ? `e.g. ${format.example}` : "Leave empty for the whole target"}
          disabled={!explicit && !templateKind}
          aria-invalid={error("resource") ? true : undefined}
          aria-describedby={describedBy("resource", { hint: true, error: Boolean(error("resource")) })}
        />
        <p id="resource-hint" className="mt-1 text-sm text-muted-foreground" data-testid="resource-hint">
          {!explicit && !templateKind
            ? "This task applies to the whole target."
            : cloud
              ? NARROWING[cloud]
              : "Narrows the access to one resource."}
        </p>
        <FieldError id="resource" message={error("resource")} />
      </div>
    </div>
  );
}
