import { inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type PolicyDocument, type PolicyStatus, users } from "@/db/schema";
import type { PolicyRow } from "./queries";

export type PolicyVersionDto = {
  id: string;
  /** Null while pending (assigned at approval) and for a rejected change. */
  version: number | null;
  status: PolicyStatus;
  /** The active version this change was written against. */
  baseVersion: number | null;
  comment: string | null;
  createdBy: string | null;
  createdByEmail: string | null;
  createdAt: string;
  decidedBy: string | null;
  decidedByEmail: string | null;
  decidedAt: string | null;
  ruleCount: number;
};

export type PolicyDetailDto = PolicyVersionDto & {
  document: PolicyDocument;
  yaml: string;
  /** Line diff of the YAML against the active version (for the active version itself: empty). */
  diff: { op: " " | "+" | "-"; text: string }[];
};

export async function toPolicyDtos(db: Db, rows: PolicyRow[]): Promise<PolicyVersionDto[]> {
  const ids = [...new Set(rows.flatMap((r) => [r.createdBy, r.decidedBy]).filter((x): x is string => !!x))];
  const people = ids.length
    ? await db.select({ id: users.id, email: users.email }).from(users).where(inArray(users.id, ids))
    : [];
  const email = new Map(people.map((p) => [p.id, p.email]));
  return rows.map((r) => ({
    id: r.id,
    version: r.version,
    status: r.status,
    baseVersion: r.baseVersion,
    comment: r.comment,
    createdBy: r.createdBy,
    createdByEmail: r.createdBy ? (email.get(r.createdBy) ?? null) : null,
    createdAt: r.createdAt.toISOString(),
    decidedBy: r.decidedBy,
    decidedByEmail: r.decidedBy ? (email.get(r.decidedBy) ?? null) : null,
    decidedAt: r.decidedAt ? r.decidedAt.toISOString() : null,
    ruleCount: r.document.rules?.length ?? 0,
  }));
}
