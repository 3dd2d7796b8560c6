import { RiskBadge } from "@/components/ui/badge";
import { Time } from "@/components/ui/time";
import type { TemplateHistoryDto } from "@/lib/templates";
import { TemplateDiffView } from "./template-diff";

/** Every saved version, newest first, each with what that save changed. */
export function VersionHistory({ history }: { history: TemplateHistoryDto }) {
  return (
    <ol className="space-y-4" aria-label={`Versions of ${history.key}`}>
      {history.versions.map((v) => (
        <li
          key={v.id}
          className="rounded-md border border-border p-4"
          data-testid={`template-version-${v.version}`}
        >
          <div className="mb-2 flex flex-wrap items-center gap-2 text-sm">
            <h3 className="font-semibold">Version {v.version}</h3>
            <RiskBadge risk={v.risk} />
            <span className="text-muted-foreground">
              saved <Time value={v.createdAt} />
            </span>
          </div>
          <TemplateDiffView diff={v.diff} />
        </li>
      ))}
    </ol>
  );
}
