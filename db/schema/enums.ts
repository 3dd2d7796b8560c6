/**
 * Every enum-like text column's values, once. The TypeScript unions, zod enums and the database's CHECK
 * constraints all derive from these tuples. A pure module (no drizzle import): client code may read it.
 */
export const REQUEST_STATUSES = [
  "pending",
  "approved",
  "denied",
  "cancelled",
  "lapsed",
  "completed",
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** In lifecycle order. */
export const GRANT_STATUSES = [
  "scheduled",
  "provisioning",
  "active",
  "revoking",
  "revoked",
  "failed",
  "revoke_stuck",
] as const;
export type GrantStatus = (typeof GRANT_STATUSES)[number];

export const CLOUD_ROLE_STATUSES = ["active", "deleted"] as const;

export const VERDICTS = ["approve", "deny"] as const;
export type Verdict = (typeof VERDICTS)[number];

export const DECISION_CHANNELS = ["web", "slack", "api"] as const;
export type DecisionChannel = (typeof DECISION_CHANNELS)[number];

export const CLOUDS = ["aws", "gcp", "azure", "kubernetes", "okta"] as const;
export type Cloud = (typeof CLOUDS)[number];
/** How each cloud is named to people (forms, previews, errors). */
export const CLOUD_LABELS: Record<Cloud, string> = {
  aws: "AWS",
  gcp: "Google Cloud",
  azure: "Azure",
  kubernetes: "Kubernetes",
  okta: "Okta",
};
/** What one target of each cloud is (an AWS account, a GCP project, …). */
export const CLOUD_SCOPES: Record<Cloud, string> = {
  aws: "account",
  gcp: "project",
  azure: "subscription",
  kubernetes: "cluster",
  okta: "org",
};

export const ADAPTER_KINDS = ["sandbox", "aws", "gcp", "azure", "kubernetes", "okta"] as const;
export type AdapterKind = (typeof ADAPTER_KINDS)[number];

export const RISKS = ["low", "medium", "high"] as const;
export type Risk = (typeof RISKS)[number];

/** App roles a user holds locally; IdP groups can add more through groups.role. */
export const APP_ROLES = ["requester", "approver", "admin", "auditor"] as const;
export type AppRole = (typeof APP_ROLES)[number];

export const GROUP_SOURCES = ["idp", "local"] as const;
export type GroupSource = (typeof GROUP_SOURCES)[number];

/** Why a signed audit checkpoint was written (lib/audit/checkpoint.ts); signed with the rest of it. */
export const CHECKPOINT_REASONS = ["periodic", "export", "manual", "retention"] as const;
export type CheckpointReason = (typeof CHECKPOINT_REASONS)[number];
/** A policy change: pending until a second admin approves (active, with a version) or rejects it. */
export const POLICY_STATUSES = ["pending", "active", "rejected"] as const;
export type PolicyStatus = (typeof POLICY_STATUSES)[number];
/** Where a person's notifications go (lib/notify); each user picks theirs. */
export const NOTIFY_CHANNELS = ["email", "slack", "webhook"] as const;
export type NotifyChannel = (typeof NOTIFY_CHANNELS)[number];

/** What a notification is about. `request.updated` re-renders a request's Slack messages after a decision. */
export const NOTIFICATION_KINDS = [
  "request.created",
  "request.updated",
  "request.decided",
  "grant.active",
  "grant.expiring",
  "grant.revoked",
  "alert",
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const DELIVERY_STATUSES = ["pending", "sent", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const FREEZE_STATUSES = ["active", "lifted"] as const;
export type FreezeStatus = (typeof FREEZE_STATUSES)[number];
/** Compliance reports (lib/compliance): how the access report groups, and the formats it exports. */
export const REPORT_GROUPINGS = ["person", "target", "template"] as const;
export type ReportGrouping = (typeof REPORT_GROUPINGS)[number];
export const REPORT_FORMATS = ["json", "csv", "pdf"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export const DELIVERY_CHANNELS = ["email", "webhook"] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];

/** Access reviews (lib/compliance/reviews). */
export const REVIEW_STATUSES = ["open", "closed"] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];
export const REVIEW_ITEM_KINDS = ["template", "membership", "token"] as const;
export type ReviewItemKind = (typeof REVIEW_ITEM_KINDS)[number];
export const REVIEW_DECISIONS = ["pending", "confirmed", "removed"] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];
