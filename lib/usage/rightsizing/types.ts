import type { Cloud } from "@/db/schema";
import type { Confidence } from "./confidence";

export type RecommendationKind = "shrink" | "add" | "new-from-explicit" | "cover-standing";

export type RecommendationEvidence = {
  windowFrom: string;
  windowTo: string;
  /** Grants (or, for standing access, principals) looked at, and how many had any logged call. */
  subjects: number;
  subjectsWithCalls: number;
  grantIds: string[];
  /** People (grant holders or requesters) or, for standing access, the principals. */
  people: string[];
  calls: number;
  lastSeen: string | null;
};

export type RecommendationDto = {
  /** Stable for the same subject and proposal: applying names it and the verb recomputes it. */
  id: string;
  kind: RecommendationKind;
  cloud: Cloud;
  title: string;
  rationale: string;
  /** The template the recommendation changes or starts from (latest version), if any. */
  template: { key: string; version: number; name: string } | null;
  /** For a new template (from explicit requests or standing use): the key Apply creates it under. */
  newTemplateKey: string | null;
  current: string[];
  proposed: string[];
  added: string[];
  removed: string[];
  /** Kept although unused, because their calls are not logged by default (see unlogged.ts). */
  keptUnlogged: string[];
  placeholders: string[];
  /** An existing template that already covers the observed standing use, if one does. */
  coveredBy: { key: string; name: string } | null;
  /** Whether Apply can make it a template version (a covered standing use needs no new template). */
  applicable: boolean;
  evidence: RecommendationEvidence;
  confidence: Confidence;
};
