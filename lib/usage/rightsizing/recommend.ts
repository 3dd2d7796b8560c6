import { createHash } from "node:crypto";
import type { Cloud } from "@/db/schema";
import type { Evidence } from "./evidence";
import { explicitRecommendations, standingRecommendations } from "./recommend-other";
import { templateRecommendations } from "./recommend-templates";
import type { RecommendationDto } from "./types";
import { unloggedFamily } from "./unlogged";

/** Catalog checks the recommender needs, injected so the recommender stays pure. */
export type Checks = {
  /** The catalog's own spelling of a permission, or null when the catalog does not know it. */
  canonical: (cloud: Cloud, permission: string) => string | null;
  /** Whether the role builder builds these permissions for a template with these placeholders. */
  builds: (cloud: Cloud, permissions: string[], placeholders: string[]) => boolean;
};

/** A recommendation before its id: `subject` is the template key (new or existing) it concerns. */
export type Draft = Omit<RecommendationDto, "id" | "added" | "removed" | "newTemplateKey"> & {
  subject: string;
};

/** Pure: every recommendation the evidence supports, highest confidence first. */
export function recommend(ev: Evidence, checks: Checks): RecommendationDto[] {
  const seen = new Set<string>();
  const cloudOf = new Map(ev.grants.map((g) => [g.grantId, g.cloud]));
  for (const c of ev.calls) {
    const cloud = cloudOf.get(c.grantId);
    const family = cloud ? unloggedFamily(cloud, c.permission) : null;
    if (family) seen.add(family);
  }
  for (const s of ev.standing) {
    const family = unloggedFamily(s.cloud, s.permission);
    if (family) seen.add(family);
  }
  const drafts = [
    ...templateRecommendations(ev, checks, seen),
    ...explicitRecommendations(ev, checks, seen),
    ...standingRecommendations(ev, checks),
  ];
  return drafts
    .map(({ subject, ...d }) => ({
      ...d,
      id: recommendationId(d.kind, d.cloud, subject, d.proposed),
      added: d.proposed.filter((p) => !d.current.includes(p)),
      removed: d.current.filter((p) => !d.proposed.includes(p)),
      newTemplateKey: d.template ? null : subject,
    }))
    .sort((a, b) => b.confidence.score - a.confidence.score || a.title.localeCompare(b.title));
}

export function recommendationId(kind: string, cloud: Cloud, subject: string, proposed: string[]): string {
  return createHash("sha256")
    .update(JSON.stringify([kind, cloud, subject, [...proposed].sort()]))
    .digest("hex")
    .slice(0, 16);
}
