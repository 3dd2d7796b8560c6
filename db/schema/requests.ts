import { sql } from "drizzle-orm";
import { boolean, check, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, oneOf, ts } from "./_columns";
import { DECISION_CHANNELS, REQUEST_STATUSES, VERDICTS } from "./enums";
import { organizations } from "./organizations";
import { policies } from "./policies";
import type { PolicyOutcome } from "./policy-outcome";
import { targets } from "./targets";
import { taskTemplates } from "./templates";
import { users } from "./users";

export const accessRequests = pgTable(
  "access_requests",
  {
    id: id(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id),
    requesterId: uuid("requester_id")
      .notNull()
      .references(() => users.id),
    targetId: uuid("target_id")
      .notNull()
      .references(() => targets.id),
    /** Either a template or explicit permissions, never both (CHECK below). */
    templateId: uuid("template_id").references(() => taskTemplates.id),
    /** Explicit permissions for the target's cloud, already expanded against the org's catalog. */
    permissions: jsonb("permissions").$type<string[]>(),
    /** Resource that narrows the template's scope (e.g. an instance id), validated by pattern. */
    resource: text("resource"),
    /** What kind of resource `resource` names (explicit permissions; a template's comes from its placeholder). */
    resourceKind: text("resource_kind"),
    durationSeconds: integer("duration_seconds").notNull(),
    justification: text("justification").notNull(),
    ticketUrl: text("ticket_url"),
    status: text("status", { enum: REQUEST_STATUSES }).notNull().default("pending"),
    policyId: uuid("policy_id")
      .notNull()
      .references(() => policies.id),
    /** Snapshot of the policy's decision for this request: who and how many must approve. */
    approvalsRequired: integer("approvals_required").notNull(),
    approverGroup: text("approver_group").notNull(),
    /** Every target of the request, `targetId` first (multi-target: one grant per target). */
    targetIds: uuid("target_ids").array().notNull().default(sql`'{}'::uuid[]`),
    /** The policy's evaluated outcome at submission (which rules matched, what they decided, why automatic). */
    policyOutcome: jsonb("policy_outcome").$type<PolicyOutcome>(),
    /** Break-glass: self-activated; someone else must review it before reviewDueAt. */
    breakGlass: boolean("break_glass").notNull().default(false),
    reviewDueAt: ts("review_due_at"),
    reviewedAt: ts("reviewed_at"),
    reviewedBy: uuid("reviewed_by").references(() => users.id),
    reviewEscalatedAt: ts("review_escalated_at"),
    /**
     * An extension past the policy's automatic limit, asked for again: approving it moves this grant's expiry
     * by `durationSeconds` instead of creating grants (lib/grants/approved-extension.ts). No foreign key: the
     * grants table already references this one, and only lib/requests writes it from a grant of the same org.
     */
    extendsGrantId: uuid("extends_grant_id"),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
    decidedAt: ts("decided_at"),
  },
  (t) => [
    index("requests_org_status_idx").on(t.orgId, t.status, t.createdAt),
    index("requests_requester_idx").on(t.orgId, t.requesterId, t.createdAt),
    index("requests_review_due_idx")
      .on(t.reviewDueAt)
      .where(sql`${t.breakGlass} and ${t.reviewedAt} is null and ${t.reviewEscalatedAt} is null`),
    index("requests_extends_grant_idx")
      .on(t.orgId, t.extendsGrantId)
      .where(sql`${t.extendsGrantId} is not null`),
    check("requests_template_xor_permissions", sql`(${t.templateId} is null) <> (${t.permissions} is null)`),
    oneOf("access_requests_status_check", t.status, REQUEST_STATUSES),
  ],
);

export const approvals = pgTable(
  "approvals",
  {
    id: id(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id),
    requestId: uuid("request_id")
      .notNull()
      .references(() => accessRequests.id),
    approverId: uuid("approver_id")
      .notNull()
      .references(() => users.id),
    verdict: text("verdict", { enum: VERDICTS }).notNull(),
    comment: text("comment"),
    channel: text("channel", { enum: DECISION_CHANNELS }).notNull(),
    /** The policy version and the rules the request was judged by when this decision was made. */
    policyVersion: integer("policy_version"),
    ruleIds: jsonb("rule_ids").$type<string[]>(),
    createdAt: createdAt(),
  },
  // One decision per person per request: N-of-M counts distinct people.
  (t) => [
    uniqueIndex("approvals_request_approver_uq").on(t.requestId, t.approverId),
    oneOf("approvals_verdict_check", t.verdict, VERDICTS),
    oneOf("approvals_channel_check", t.channel, DECISION_CHANNELS),
  ],
);
