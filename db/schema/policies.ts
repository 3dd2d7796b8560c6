import { sql } from "drizzle-orm";
import { check, integer, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, oneOf, ts } from "./_columns";
import { type Cloud, POLICY_STATUSES, type Risk } from "./enums";
import { organizations } from "./organizations";

/**
 * What a policy decides for a request. In the document's `defaults` every field is present; in a rule
 * every field is optional (absent: the rule does not speak about it). Validated by lib/policies/schema.ts,
 * combined by lib/policies/evaluate.ts; the language is described in docs/approvals.md.
 */
export type PolicyDecision = {
  /** Refuse the request outright ("nobody may request this here"). */
  deny: boolean;
  /** Groups whose members may approve; every group named must supply at least one approval. */
  approverGroups: string[];
  /** Distinct approvals needed in total (N of the approver groups' M members). */
  approvalsRequired: number;
  maxDurationSeconds: number;
  justificationRequired: boolean;
  ticketRequired: boolean;
  /** Globs (`*`, `?`; no regular expressions) the ticket must match; each one listed must match. */
  ticketPatterns: string[];
  /** Conditions under which nobody needs to approve; null: never automatic. */
  autoApprove: AutoApprove | null;
  extensions: { autoUpToSeconds: number };
  breakGlass: { allowed: boolean; maxDurationSeconds: number; reviewWithinSeconds: number };
  /** Approving from Slack needs a fresh sign-in (read by the notifications area). */
  stepUp: boolean;
};

/** A weekly window in an IANA time zone; days are ISO weekdays (1 Monday … 7 Sunday). */
export type BusinessHours = { timeZone: string; days: number[]; start: string; end: string };

/** Every condition present must hold (AND). An empty object approves automatically always. */
export type AutoApprove = {
  /** The request's risk is at most this. */
  maxRisk?: Risk;
  /** The requester is on call (PagerDuty) for the service mapped to each target. */
  onCall?: boolean;
  /** Every window listed must hold (a rule may give one object; it is stored as a list). */
  businessHours?: BusinessHours[];
};

export type PolicyMatch = {
  targetIds?: string[];
  targetTags?: string[];
  environments?: string[];
  clouds?: Cloud[];
  templateKeys?: string[];
  risks?: Risk[];
  requesterGroups?: string[];
};

export type PolicyRule = {
  id: string;
  description?: string;
  match: PolicyMatch;
  /** What the rule decides; a partial breakGlass takes its other parts from the defaults. */
  decide: Partial<Omit<PolicyDecision, "breakGlass">> & {
    breakGlass?: Partial<PolicyDecision["breakGlass"]>;
  };
};

/** A versioned policy document: defaults, then rules (combination: docs/approvals.md). */
export type PolicyDocument = {
  schemaVersion: 2;
  /** A pending request with no decision after this long lapses. */
  pendingTimeoutSeconds: number;
  defaults: PolicyDecision;
  rules: PolicyRule[];
};

/**
 * The org's policy, versioned. A change starts `pending` (no version yet) and becomes the next `active`
 * version only when another admin approves it (four-eyes); the active policy is the highest version.
 */
export const policies = pgTable(
  "policies",
  {
    id: id(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id),
    /** Assigned at approval; null while pending or when rejected. */
    version: integer("version"),
    document: jsonb("document").$type<PolicyDocument>().notNull(),
    status: text("status", { enum: POLICY_STATUSES }).notNull().default("active"),
    /** The active version the change was written against; approval refuses it once another one landed. */
    baseVersion: integer("base_version"),
    comment: text("comment"),
    createdBy: uuid("created_by"),
    createdAt: createdAt(),
    decidedBy: uuid("decided_by"),
    decidedAt: ts("decided_at"),
  },
  (t) => [
    uniqueIndex("policies_org_version_uq").on(t.orgId, t.version),
    oneOf("policies_status_check", t.status, POLICY_STATUSES),
    check("policies_active_has_version", sql`(${t.status} = 'active') = (${t.version} is not null)`),
  ],
);
