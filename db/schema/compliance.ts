import { index, integer, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, oneOf, ts } from "./_columns";
import {
  DELIVERY_CHANNELS,
  REPORT_FORMATS,
  REPORT_GROUPINGS,
  REVIEW_DECISIONS,
  REVIEW_ITEM_KINDS,
  REVIEW_STATUSES,
} from "./enums";
import { organizations } from "./organizations";
import { users } from "./users";

/** An access report sent on a schedule, by email or signed webhook (lib/compliance/schedules). */
export const reportSchedules = pgTable(
  "report_schedules",
  {
    id: id(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id),
    name: text("name").notNull(),
    grouping: text("grouping", { enum: REPORT_GROUPINGS }).notNull(),
    format: text("format", { enum: REPORT_FORMATS }).notNull(),
    /** The report covers the `periodDays` before each run; runs repeat every `periodDays`. */
    periodDays: integer("period_days").notNull(),
    channel: text("channel", { enum: DELIVERY_CHANNELS }).notNull(),
    recipients: text("recipients").array().notNull().default([]),
    webhookUrl: text("webhook_url"),
    /** HMAC key of the webhook signature; never returned by a read. */
    webhookSecret: text("webhook_secret"),
    nextRunAt: ts("next_run_at").notNull(),
    /** Failed deliveries of the current run; reset when a run is delivered or given up. */
    attempts: integer("attempts").notNull().default(0),
    lastRunAt: ts("last_run_at"),
    lastStatus: text("last_status"),
    lastError: text("last_error"),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: createdAt(),
    disabledAt: ts("disabled_at"),
  },
  (t) => [
    index("report_schedules_due_idx").on(t.nextRunAt),
    oneOf("report_schedules_grouping_check", t.grouping, REPORT_GROUPINGS),
    oneOf("report_schedules_format_check", t.format, REPORT_FORMATS),
    oneOf("report_schedules_channel_check", t.channel, DELIVERY_CHANNELS),
  ],
);

/** A template key an access review removed: hidden from the catalog, refused on new requests. */
export const templateArchives = pgTable(
  "template_archives",
  {
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id),
    key: text("key").notNull(),
    archivedBy: uuid("archived_by").references(() => users.id),
    reason: text("reason"),
    archivedAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.key] })],
);

/** An access-review campaign: owners confirm or remove templates, approver memberships and API tokens. */
export const accessReviews = pgTable(
  "access_reviews",
  {
    id: id(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id),
    name: text("name").notNull(),
    status: text("status", { enum: REVIEW_STATUSES }).notNull().default("open"),
    dueAt: ts("due_at").notNull(),
    /** Reminders go to the reviewers of pending items by email when set. */
    remindEmails: text("remind_emails").array().notNull().default([]),
    lastRemindedAt: ts("last_reminded_at"),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: createdAt(),
    closedAt: ts("closed_at"),
  },
  (t) => [
    index("access_reviews_org_idx").on(t.orgId, t.createdAt),
    oneOf("access_reviews_status_check", t.status, REVIEW_STATUSES),
  ],
);

export const accessReviewItems = pgTable(
  "access_review_items",
  {
    id: id(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id),
    reviewId: uuid("review_id")
      .notNull()
      .references(() => accessReviews.id),
    kind: text("kind", { enum: REVIEW_ITEM_KINDS }).notNull(),
    /** template: its key · membership: `<groupId>:<userId>` · token: the token id. */
    subjectId: text("subject_id").notNull(),
    label: text("label").notNull(),
    /** The person who owns the item (a token's user); null: anyone holding the kind's admin permission. */
    ownerId: uuid("owner_id").references(() => users.id),
    decision: text("decision", { enum: REVIEW_DECISIONS }).notNull().default("pending"),
    decidedBy: uuid("decided_by").references(() => users.id),
    decidedAt: ts("decided_at"),
    comment: text("comment"),
  },
  (t) => [
    index("access_review_items_review_idx").on(t.reviewId, t.kind),
    oneOf("access_review_items_kind_check", t.kind, REVIEW_ITEM_KINDS),
    oneOf("access_review_items_decision_check", t.decision, REVIEW_DECISIONS),
  ],
);
