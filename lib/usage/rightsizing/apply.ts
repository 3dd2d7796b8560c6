import { appendAudit } from "@/lib/audit/append";
import { assertPermission, type Ctx } from "@/lib/ctx";
import { Conflict, NotFound, parseInput } from "@/lib/errors";
import type { SavedTemplateDto } from "@/lib/templates/create";
import { createTemplate } from "@/lib/templates/create";
import { updateTemplate } from "@/lib/templates/update";
import { checkTemplatePermissions } from "@/lib/templates/validate";
import { listRecommendations } from "./list";
import { ApplyRecommendationInput } from "./schemas";

/**
 * Applies one recommendation as a template version through the template editor's own verbs (a new version
 * of the template, or version 1 of a new one), recomputed from the evidence now so a stale page cannot
 * apply what the evidence no longer says. The version and a `rightsizing.applied` audit row commit together.
 */
export async function applyRecommendation({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ApplyRecommendationInput;
}): Promise<SavedTemplateDto> {
  assertPermission(ctx, "templates.edit");
  const { id, windowDays, now } = parseInput(ApplyRecommendationInput, input);
  const { items, windowFrom, windowTo } = await listRecommendations({ ctx, input: { windowDays, now } });
  const rec = items.find((r) => r.id === id);
  if (!rec) throw NotFound("Recommendation");
  if (!rec.applicable)
    throw Conflict(`${rec.coveredBy?.name ?? "An existing template"} already covers this; nothing to create`);

  return ctx.db.transaction(async (tx) => {
    const inner = { ...ctx, db: tx };
    let saved: SavedTemplateDto;
    if (rec.template) {
      saved = await updateTemplate({
        ctx: inner,
        input: {
          key: rec.template.key,
          expectedVersion: rec.template.version,
          permissions: { [rec.cloud]: rec.proposed },
        },
      });
    } else {
      const checked = await checkTemplatePermissions(inner, {
        aws: [],
        gcp: [],
        azure: [],
        [rec.cloud]: rec.proposed,
      });
      saved = await createTemplate({
        ctx: inner,
        input: {
          key: rec.newTemplateKey ?? "",
          name:
            rec.kind === "cover-standing"
              ? `Just-in-time cover for ${rec.evidence.people[0]}`.slice(0, 100)
              : `Repeated request (${rec.cloud})`,
          description: `${rec.rationale} Made from right-sizing recommendation ${rec.id}.`.slice(0, 1000),
          risk: checked.computedRisk,
          placeholders: rec.placeholders,
          permissions: { aws: [], gcp: [], azure: [], [rec.cloud]: rec.proposed },
        },
      });
    }
    await appendAudit(tx, ctx, {
      action: "rightsizing.applied",
      subjectType: "template",
      subjectId: saved.id,
      data: {
        recommendation: rec.id,
        kind: rec.kind,
        cloud: rec.cloud,
        key: saved.key,
        version: saved.version,
        added: rec.added,
        removed: rec.removed,
        confidence: rec.confidence,
        window: { from: windowFrom, to: windowTo },
        evidence: {
          grants: rec.evidence.subjects,
          people: rec.evidence.people.length,
          lastSeen: rec.evidence.lastSeen,
        },
      },
    });
    return saved;
  });
}
