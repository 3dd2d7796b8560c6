import { applyRecommendationAction } from "@/app/reports/actions";
import { ActionForm } from "@/components/requests/action-form";
import { TemplateDiffView } from "@/components/templates/template-diff";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { TitledCard } from "@/components/ui/card";
import { Time } from "@/components/ui/time";
import { CLOUDS, type Cloud } from "@/lib/clouds/kinds";
import type { RecommendationDto } from "@/lib/usage/rightsizing";

const KIND_LABELS = {
  shrink: "smaller version",
  add: "denied: review",
  "new-from-explicit": "new template",
  "cover-standing": "standing access",
} as const;
const LEVEL_TONES = { high: "success", medium: "info", low: "neutral" } as const;

/** One recommendation: what would change (a diff), the evidence behind it, and Apply for editors. */
export function RecommendationCard({
  rec,
  windowDays,
  canApply,
}: {
  rec: RecommendationDto;
  windowDays: number;
  canApply: boolean;
}) {
  const none = { added: [], removed: [] };
  const diff = {
    fields: [],
    permissions: {
      ...(Object.fromEntries(CLOUDS.map((c) => [c, none])) as Record<Cloud, typeof none>),
      [rec.cloud]: { added: rec.added, removed: rec.removed },
    },
  };
  const e = rec.evidence;
  return (
    <TitledCard
      id={`rec-${rec.id}`}
      title={rec.title}
      description={rec.rationale}
      actions={
        <div className="flex flex-wrap gap-2">
          <Badge>{KIND_LABELS[rec.kind]}</Badge>
          <Badge tone={LEVEL_TONES[rec.confidence.level]}>
            {rec.confidence.level} confidence ({rec.confidence.score.toFixed(2)})
          </Badge>
        </div>
      }
    >
      <div className="space-y-4" data-testid={`recommendation-${rec.kind}`}>
        {rec.coveredBy ? (
          <p className="text-sm">
            Covered by the template <strong>{rec.coveredBy.name}</strong> ({rec.coveredBy.key}).
          </p>
        ) : null}
        {rec.kind === "cover-standing" || rec.kind === "new-from-explicit" ? (
          <div>
            <p className="text-sm font-medium">Proposed {rec.cloud} permissions</p>
            <ul className="font-mono text-xs break-all">
              {rec.proposed.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          </div>
        ) : (
          <div>
            <p className="mb-1 text-sm font-medium">
              {rec.template?.name} version {rec.template?.version} → {(rec.template?.version ?? 0) + 1}
            </p>
            <TemplateDiffView diff={diff} />
          </div>
        )}
        {rec.keptUnlogged.length ? (
          <p className="text-sm text-muted-foreground">
            Kept although unused, because the cloud does not log these calls by default:{" "}
            <code className="font-mono">{rec.keptUnlogged.join(", ")}</code>
          </p>
        ) : null}
        <dl className="grid gap-y-1 text-sm sm:grid-cols-[10rem_1fr]">
          <dt className="text-muted-foreground">Window</dt>
          <dd>
            <Time value={e.windowFrom} /> to <Time value={e.windowTo} />
          </dd>
          <dt className="text-muted-foreground">{rec.kind === "cover-standing" ? "Principal" : "Grants"}</dt>
          <dd>
            {rec.kind === "cover-standing"
              ? e.people.join(", ")
              : `${e.subjects} (${e.subjectsWithCalls} with logged calls) by ${e.people.length} people: ${e.people.join(", ")}`}
          </dd>
          <dt className="text-muted-foreground">Calls</dt>
          <dd>{e.calls}</dd>
          <dt className="text-muted-foreground">Last seen</dt>
          <dd>{e.lastSeen ? <Time value={e.lastSeen} /> : "—"}</dd>
        </dl>
        {canApply && rec.applicable ? (
          <ActionForm action={applyRecommendationAction} label={`Apply: ${rec.title}`}>
            <input type="hidden" name="id" value={rec.id} />
            <input type="hidden" name="windowDays" value={windowDays} />
            <Button type="submit">{rec.template ? "Apply as a new version" : "Create this template"}</Button>
          </ActionForm>
        ) : null}
      </div>
    </TitledCard>
  );
}
