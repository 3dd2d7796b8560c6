import { type Cloud, permissionsOn } from "@/db/schema";
import { permissionKey } from "../permission-key";
import { confidence } from "./confidence";
import type { Evidence, GrantEvidenceRow, TemplateRow } from "./evidence";
import type { Checks, Draft } from "./recommend";
import { unloggedFamily } from "./unlogged";

/** Denied at least this often on a template's grants (and not in it): a candidate to add, for review. */
export const MIN_DENIED_CALLS = 2;

/** Per template and cloud: a smaller version when granted permissions went unused, additions when denied. */
export function templateRecommendations(ev: Evidence, checks: Checks, seenFamilies: Set<string>): Draft[] {
  const out: Draft[] = [];
  for (const tpl of ev.templates) {
    for (const cloud of ["aws", "gcp", "azure"] as const) {
      const gs = ev.grants.filter((g) => g.templateKey === tpl.key && g.cloud === cloud);
      if (gs.length === 0 || permissionsOn(tpl.permissions, cloud).length === 0) continue;
      const shrink = shrinkDraft(ev, tpl, cloud, gs, seenFamilies);
      if (shrink) out.push(shrink);
      const add = addDraft(ev, tpl, cloud, gs, checks);
      if (add) out.push(add);
    }
  }
  return out;
}

/** The permissions to keep: used ones, and unused ones whose calls this window could not have shown. */
export function keepUsed(
  cloud: Cloud,
  current: string[],
  usedKeys: Set<string>,
  seenFamilies: Set<string>,
): { kept: string[]; keptUnlogged: string[] } {
  const kept: string[] = [];
  const keptUnlogged: string[] = [];
  for (const p of current) {
    if (usedKeys.has(permissionKey(cloud, p))) kept.push(p);
    else {
      const family = unloggedFamily(cloud, p);
      if (family && !seenFamilies.has(family)) {
        kept.push(p);
        keptUnlogged.push(p);
      }
    }
  }
  return { kept, keptUnlogged };
}

function shrinkDraft(
  ev: Evidence,
  tpl: TemplateRow,
  cloud: Cloud,
  gs: GrantEvidenceRow[],
  seenFamilies: Set<string>,
): Draft | null {
  const ids = new Set(gs.map((g) => g.grantId));
  const calls = ev.calls.filter((c) => ids.has(c.grantId));
  const withCalls = new Set(calls.map((c) => c.grantId));
  if (withCalls.size === 0) return null;
  const used = new Set(calls.filter((c) => c.allowed).map((c) => permissionKey(cloud, c.permission)));
  const current = permissionsOn(tpl.permissions, cloud);
  const { kept, keptUnlogged } = keepUsed(cloud, current, used, seenFamilies);
  const removed = current.filter((p) => !kept.includes(p));
  if (removed.length === 0 || kept.length === 0) return null;
  return {
    kind: "shrink",
    cloud,
    subject: tpl.key,
    title: `${tpl.name}: drop ${removed.length} unused ${cloud} permission${removed.length === 1 ? "" : "s"}`,
    rationale: `Across ${gs.length} grants in the window, ${removed.length} of ${current.length} ${cloud} permissions were never used.`,
    template: { key: tpl.key, version: tpl.version, name: tpl.name },
    current,
    proposed: kept,
    keptUnlogged,
    placeholders: tpl.placeholders,
    coveredBy: null,
    applicable: true,
    evidence: evidenceOf(ev, gs, calls),
    confidence: confidence(withCalls.size, gs.length),
  };
}

function addDraft(ev: Evidence, tpl: TemplateRow, cloud: Cloud, gs: GrantEvidenceRow[], checks: Checks) {
  const ids = new Set(gs.map((g) => g.grantId));
  const current = permissionsOn(tpl.permissions, cloud);
  const inTemplate = new Set(current.map((p) => permissionKey(cloud, p)));
  const denied = ev.calls.filter(
    (c) => ids.has(c.grantId) && !c.allowed && !inTemplate.has(permissionKey(cloud, c.permission)),
  );
  const perPermission = new Map<string, { name: string; calls: number }>();
  for (const c of denied) {
    const name = checks.canonical(cloud, c.permission);
    if (!name) continue; // not in the catalog: nothing a template could hold
    const entry = perPermission.get(name) ?? { name, calls: 0 };
    entry.calls += c.calls;
    perPermission.set(name, entry);
  }
  const candidates = [...perPermission.values()]
    .filter((e) => e.calls >= MIN_DENIED_CALLS)
    .map((e) => e.name)
    .filter((p) => checks.builds(cloud, [...current, p], tpl.placeholders))
    .sort();
  if (candidates.length === 0) return null;
  const evidenceCalls = denied.filter((c) =>
    candidates.includes(checks.canonical(cloud, c.permission) ?? ""),
  );
  return {
    kind: "add" as const,
    cloud,
    subject: tpl.key,
    title: `${tpl.name}: review ${candidates.length} repeatedly denied ${cloud} permission${candidates.length === 1 ? "" : "s"}`,
    rationale: `Grants of this template were denied these calls at least ${MIN_DENIED_CALLS} times; add them only if the task needs them.`,
    template: { key: tpl.key, version: tpl.version, name: tpl.name },
    current,
    proposed: [...current, ...candidates],
    keptUnlogged: [],
    placeholders: tpl.placeholders,
    coveredBy: null,
    applicable: true,
    evidence: evidenceOf(ev, gs, evidenceCalls),
    confidence: confidence(new Set(evidenceCalls.map((c) => c.grantId)).size, gs.length),
  };
}

export function evidenceOf(ev: Evidence, gs: GrantEvidenceRow[], calls: Evidence["calls"]) {
  const last = calls.reduce<Date | null>((m, c) => (m === null || c.last > m ? c.last : m), null);
  return {
    windowFrom: ev.from.toISOString(),
    windowTo: ev.to.toISOString(),
    subjects: gs.length,
    subjectsWithCalls: new Set(calls.map((c) => c.grantId)).size,
    grantIds: gs.map((g) => g.grantId).slice(0, 50),
    people: [...new Set(gs.map((g) => g.person))].sort(),
    calls: calls.reduce((n, c) => n + c.calls, 0),
    lastSeen: last?.toISOString() ?? null,
  };
}
