"use client";

import { RiskBadge } from "@/components/ui/badge";
import { describedBy, FieldError } from "@/components/ui/field";
import { Select, Textarea } from "@/components/ui/input";
import { Label } from "@/components/ui/label";

export type AccessMode = "template" | "permissions";

export type TemplateOption = {
  id: string;
  label: string;
  description: string;
  risk: string;
  placeholders: string[];
  /** Clouds the template has permissions on; the form offers it only for targets of those. */
  clouds?: string[];
};

const MODES: { value: AccessMode; label: string }[] = [
  { value: "template", label: "Task template" },
  { value: "permissions", label: "Specific permissions" },
];

/**
 * What the request is for: a task template, or permissions listed one per line (wildcards allowed,
 * expanded against the catalog). Only the chosen field is shown, and the server action reads `mode`.
 */
export function AccessChoice({
  mode,
  onMode,
  templates,
  templateId,
  onTemplate,
  permissions,
  onPermissions,
  cloud,
  error,
}: {
  mode: AccessMode;
  onMode: (m: AccessMode) => void;
  templates: TemplateOption[];
  templateId: string;
  onTemplate: (id: string) => void;
  permissions: string;
  onPermissions: (text: string) => void;
  cloud: string | undefined;
  error: (field: string) => string | undefined;
}) {
  const template = templates.find((t) => t.id === templateId);
  return (
    <div className="space-y-3">
      <fieldset>
        <legend className="text-sm font-medium">Ask for</legend>
        <div className="mt-1 flex flex-wrap gap-4">
          {MODES.map((m) => (
            <label key={m.value} className="flex items-center gap-2 text-sm">
              <input
                type="radio"
                name="mode"
                value={m.value}
                checked={mode === m.value}
                onChange={() => onMode(m.value)}
                className="size-4 accent-primary"
              />
              {m.label}
            </label>
          ))}
        </div>
      </fieldset>

      {mode === "template" ? (
        <div>
          <Label htmlFor="templateId">What do you need to do?</Label>
          <Select
            id="templateId"
            name="templateId"
            className="mt-1"
            value={templateId}
            onChange={(e) => onTemplate(e.target.value)}
            aria-invalid={error("templateId") ? true : undefined}
            aria-describedby={describedBy("templateId", { hint: true, error: Boolean(error("templateId")) })}
          >
            {templates.map((t) => (
              <option key={t.id} value={t.id}>
                {t.label}
              </option>
            ))}
          </Select>
          <div id="templateId-hint" className="mt-2 flex items-start gap-2 text-sm text-muted-foreground">
            {template ? (
              <>
                <RiskBadge risk={template.risk} />
                <span>{template.description}</span>
              </>
            ) : null}
          </div>
          <FieldError id="templateId" message={error("templateId")} />
        </div>
      ) : (
        <div>
          <Label htmlFor="permissions">Permissions (one per line)</Label>
          <Textarea
            id="permissions"
            name="permissions"
            rows={6}
            className="mt-1 font-mono"
            value={permissions}
            onChange={(e) => onPermissions(e.target.value)}
            spellCheck={false}
            placeholder={PLACEHOLDER[cloud ?? "aws"] ?? PLACEHOLDER.aws}
            aria-invalid={error("permissions") ? true : undefined}
            aria-describedby={describedBy("permissions", {
              hint: true,
              error: Boolean(error("permissions")),
            })}
          />
          <p id="permissions-hint" className="mt-1 text-sm text-muted-foreground">
            Names from the {cloud ?? "target's"} catalog; wildcards such as <code>*</code> are expanded and
            shown below. At most 200.
          </p>
          <FieldError id="permissions" message={error("permissions")} />
        </div>
      )}
    </div>
  );
}

const PLACEHOLDER: Record<string, string> = {
  aws: "ec2:DescribeInstances\nlogs:Get*",
  gcp: "compute.instances.get\nlogging.logEntries.list",
  azure: "Microsoft.Compute/virtualMachines/read",
};
