import { type CloudPermissions, permissionsOn, type Risk } from "@/db/schema";
import { CLOUDS } from "@/db/schema/enums";

export { CLOUDS };

export type TemplateContent = {
  name: string;
  description: string;
  risk: Risk;
  placeholders: string[];
  permissions: CloudPermissions;
};

export type FieldChange = {
  field: "name" | "description" | "risk" | "placeholders";
  from: unknown;
  to: unknown;
};
export type TemplateDiff = {
  fields: FieldChange[];
  permissions: Record<(typeof CLOUDS)[number], { added: string[]; removed: string[] }>;
};

const FIELDS = ["name", "description", "risk", "placeholders"] as const;

/** What changed between two versions of a template; `before` null means the template is new. */
export function diffTemplates(before: TemplateContent | null, after: TemplateContent): TemplateDiff {
  const fields: FieldChange[] = [];
  for (const f of FIELDS) {
    const from = before?.[f] ?? null;
    if (JSON.stringify(from) !== JSON.stringify(after[f])) fields.push({ field: f, from, to: after[f] });
  }
  const permissions = {} as TemplateDiff["permissions"];
  for (const c of CLOUDS) {
    const old = new Set(before ? permissionsOn(before.permissions, c) : []);
    const now = new Set(permissionsOn(after.permissions, c));
    permissions[c] = {
      added: [...now].filter((p) => !old.has(p)).sort(),
      removed: [...old].filter((p) => !now.has(p)).sort(),
    };
  }
  return { fields, permissions };
}

export function isEmptyDiff(d: TemplateDiff): boolean {
  return (
    d.fields.length === 0 &&
    CLOUDS.every((c) => !d.permissions[c].added.length && !d.permissions[c].removed.length)
  );
}
