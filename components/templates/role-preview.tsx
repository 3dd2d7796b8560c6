import { Badge, RiskBadge } from "@/components/ui/badge";
import { CodeBlock } from "@/components/ui/code-block";
import { CLOUD_LABELS } from "@/lib/clouds/kinds";
import type { TemplatePreviewDto } from "@/lib/templates";

/** The exact document a cloud receives, with the binding, notes, wildcard expansions and risk. */
export function RolePreview({ preview, idPrefix }: { preview: TemplatePreviewDto; idPrefix: string }) {
  const label = CLOUD_LABELS[preview.cloud];
  return (
    <div className="space-y-3" data-testid={`${idPrefix}-${preview.cloud}`}>
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span className="font-semibold">{label}</span>
        {preview.riskLevel ? (
          <RiskBadge risk={preview.riskLevel} title="Highest risk of these permissions" />
        ) : null}
        <Badge>{preview.permissions.length} permissions</Badge>
        <span className="text-xs text-muted-foreground">
          role <code className="font-mono">{preview.roleName}</code> · account{" "}
          <code className="font-mono">{preview.accountId}</code>
        </span>
      </div>
      {preview.notes.length ? (
        <ul className="list-disc space-y-0.5 pl-5 text-sm text-muted-foreground">
          {preview.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      ) : null}
      {preview.expanded.length ? (
        <div className="text-sm">
          <p className="font-medium">Wildcards expanded</p>
          <ul className="mt-1 space-y-1">
            {preview.expanded.map((e) => (
              <li key={e.pattern} className="font-mono text-xs break-all">
                {e.pattern} → {e.matches.join(", ")}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <CodeBlock label={`${label} role document`}>{JSON.stringify(preview.document, null, 2)}</CodeBlock>
      {preview.binding.condition || preview.binding.scope ? (
        <CodeBlock label={`${label} binding`}>{JSON.stringify(preview.binding, null, 2)}</CodeBlock>
      ) : null}
      {preview.parts ? (
        <p className="text-sm text-muted-foreground">Split into {preview.parts.length} managed policies.</p>
      ) : null}
    </div>
  );
}
