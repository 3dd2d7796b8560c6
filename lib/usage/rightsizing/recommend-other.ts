import { createHash } from "node:crypto";
import { type Cloud, permissionsOn } from "@/db/schema";
import { permissionKey } from "../permission-key";
import { confidence } from "./confidence";
import type { Evidence, TemplateRow } from "./evidence";
import type { Checks, Draft } from "./recommend";
import { evidenceOf, keepUsed } from "./recommend-templates";

/** The same explicit permission set requested this often in the window: worth a template. */
export const MIN_EXPLICIT_REPEATS = 3;
/** Standing principals reported, busiest first. */
const MAX_STANDING = 50;

/** Repeated explicit-permission requests → a new template holding what they used. */
export function explicitRecommendations(ev: Evidence, checks: Checks, seenFamilies: Set<string>): Draft[] {
  const sets = new Map<string, Evidence["grants"]>();
  for (const g of ev.grants) {
    if (!g.explicit) continue;
    const k = `${g.cloud}\u0000${[...new Set(g.explicit)].sort().join("\u0000")}`;
    sets.set(k, [...(sets.get(k) ?? []), g]);
  }
  const out: Draft[] = [];
  for (const [k, gs] of sets) {
    if (gs.length < MIN_EXPLICIT_REPEATS) continue;
    const cloud = gs[0].cloud;
    const requested = [...new Set(gs[0].explicit)].sort();
    const ids = new Set(gs.map((g) => g.grantId));
    const calls = ev.calls.filter((c) => ids.has(c.grantId));
    const withCalls = new Set(calls.map((c) => c.grantId)).size;
    const used = new Set(calls.filter((c) => c.allowed).map((c) => permissionKey(cloud, c.permission)));
    const kept = withCalls
      ? keepUsed(cloud, requested, used, seenFamilies)
      : { kept: requested, keptUnlogged: [] };
    if (kept.kept.length === 0) continue;
    const kinds = new Set(gs.map((g) => g.resourceKind));
    const placeholders = kinds.size === 1 && gs[0].resourceKind ? [gs[0].resourceKind] : [];
    if (!checks.builds(cloud, kept.kept, placeholders)) continue;
    const covering = coveringTemplate(ev.templates, cloud, kept.kept);
    out.push({
      kind: "new-from-explicit",
      cloud,
      subject: `custom.${cloud}-${shortHash(k)}`,
      title: `New template from ${gs.length} identical ${cloud} requests`,
      rationale: covering
        ? `${covering.name} already covers what these requests used: point requesters to it.`
        : `${gs.length} requests listed the same ${requested.length} permissions; a template makes the next one a pick.`,
      template: null,
      current: requested,
      proposed: kept.kept,
      keptUnlogged: kept.keptUnlogged,
      placeholders,
      coveredBy: covering ? { key: covering.key, name: covering.name } : null,
      applicable: !covering,
      evidence: evidenceOf(ev, gs, calls),
      confidence: confidence(withCalls || gs.length, gs.length),
    });
  }
  return out;
}

/** Standing access used → the template that would give the same access just in time. */
export function standingRecommendations(ev: Evidence, checks: Checks): Draft[] {
  const byPrincipal = new Map<string, Evidence["standing"]>();
  for (const s of ev.standing) {
    const k = `${s.cloud}\u0000${s.principal}`;
    byPrincipal.set(k, [...(byPrincipal.get(k) ?? []), s]);
  }
  const ranked = [...byPrincipal.values()]
    .map((rows) => ({ rows, calls: rows.reduce((n, r) => n + r.calls, 0) }))
    .sort((a, b) => b.calls - a.calls || a.rows[0].principal.localeCompare(b.rows[0].principal))
    .slice(0, MAX_STANDING);
  const out: Draft[] = [];
  for (const { rows, calls } of ranked) {
    const { cloud, principal } = rows[0];
    const used = [
      ...new Set(rows.filter((r) => r.allowed).flatMap((r) => checks.canonical(cloud, r.permission) ?? [])),
    ].sort();
    if (used.length === 0 || !checks.builds(cloud, used, [])) continue;
    const days = Math.max(...rows.map((r) => r.days));
    const last = new Date(Math.max(...rows.map((r) => r.last.getTime())));
    const covering = coveringTemplate(ev.templates, cloud, used);
    out.push({
      kind: "cover-standing",
      cloud,
      subject: `standing.${cloud}-${shortHash(principal)}`,
      title: `Standing access by ${principal}: ${used.length} permission${used.length === 1 ? "" : "s"} used`,
      rationale: covering
        ? `${covering.name} covers every call: remove the standing access and request it just in time.`
        : "No template covers these calls: this one would, so the standing access can go.",
      template: null,
      current: [],
      proposed: used,
      keptUnlogged: [],
      placeholders: [],
      coveredBy: covering ? { key: covering.key, name: covering.name } : null,
      applicable: !covering,
      evidence: {
        windowFrom: ev.from.toISOString(),
        windowTo: ev.to.toISOString(),
        subjects: 1,
        subjectsWithCalls: 1,
        grantIds: [],
        people: [principal],
        calls,
        lastSeen: last.toISOString(),
      },
      // One principal: evidence grows with the number of days it used the access.
      confidence: confidence(days, days),
    });
  }
  return out;
}

/** The smallest existing template holding every permission on that cloud. */
function coveringTemplate(templates: TemplateRow[], cloud: Cloud, perms: string[]): TemplateRow | null {
  const need = perms.map((p) => permissionKey(cloud, p));
  const covering = templates.filter((t) => {
    const has = new Set(permissionsOn(t.permissions, cloud).map((p) => permissionKey(cloud, p)));
    return need.every((p) => has.has(p));
  });
  covering.sort(
    (a, b) =>
      permissionsOn(a.permissions, cloud).length - permissionsOn(b.permissions, cloud).length ||
      a.key.localeCompare(b.key),
  );
  return covering[0] ?? null;
}

export const shortHash = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 8);
