import { sql } from "drizzle-orm";
import { boolean, check, index, integer, jsonb, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { id, ts } from "./_columns";
import { CLOUDS } from "./enums";
import { organizations } from "./organizations";
import { targets } from "./targets";
import { users } from "./users";

export const USAGE_CLOUDS = CLOUDS;
export type UsageCloud = (typeof USAGE_CLOUDS)[number];

/** Where an import came from: the CLI, an upload in the portal, or the scheduled pull through an adapter. */
export const USAGE_SOURCES = ["cli", "upload", "pull"] as const;
export type UsageSource = (typeof USAGE_SOURCES)[number];

/**
 * `grant`: the call was made with access an Elevate grant gave (grantId set). `standing`: made by a principal
 * outside any grant at that time — standing access, the attack surface Elevate exists to remove.
 */
export const USAGE_ATTRIBUTIONS = ["grant", "standing"] as const;
export type UsageAttribution = (typeof USAGE_ATTRIBUTIONS)[number];

/** The counts every import reports; they add up: records = parsed + malformed, parsed = mapped + unmappable. */
export type UsageImportCounts = {
  records: number;
  parsed: number;
  mapped: number;
  attributed: number;
  unmappable: number;
  duplicates: number;
  malformed: number;
  /** Why records were malformed or unmappable, counted per reason. */
  reasons: Record<string, number>;
};

/** One import (a CLI run, an upload, one pull pass): provenance of the events it stored. */
export const usageImports = pgTable(
  "usage_imports",
  {
    id: id(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id),
    source: text("source").$type<UsageSource>().notNull(),
    /** File name, upload name or "<adapter> pull". */
    name: text("name").notNull(),
    /** The target named on import (`--target`), if any. */
    targetId: uuid("target_id").references(() => targets.id),
    startedBy: uuid("started_by").references(() => users.id),
    counts: jsonb("counts").$type<UsageImportCounts>(),
    startedAt: ts("started_at").notNull().defaultNow(),
    finishedAt: ts("finished_at"),
  },
  (t) => [
    index("usage_imports_org_started_idx").on(t.orgId, t.startedAt),
    check("usage_imports_source_check", sql`${t.source} in ('cli', 'upload', 'pull')`),
  ],
);

/**
 * One observed cloud call, mapped to the permission it exercised and attributed to the grant that allowed it
 * (or to standing access). Deduplicated by the event's own id per org and cloud.
 *
 * No foreign keys, on purpose: their per-row checks were two thirds of the bulk insert's cost (docs/decisions.md,
 * "Usage ingest"). `org_id`, `target_id`, `grant_id` and `import_id` are written only by lib/usage from rows
 * of the same org read at the start of the import (GrantIndex, the import row), and the product never
 * deletes organizations, targets, grants or imports.
 */
export const usageEvents = pgTable(
  "usage_events",
  {
    orgId: uuid("org_id").notNull(),
    cloud: text("cloud").$type<UsageCloud>().notNull(),
    /** The event's own id: CloudTrail eventID, GCP insertId (with logName), Azure eventDataId. */
    eventId: text("event_id").notNull(),
    occurredAt: ts("occurred_at").notNull(),
    /** Matched from the event's account / project / subscription, or the target named on import. */
    targetId: uuid("target_id"),
    /** AWS account id, GCP project id, Azure subscription id, as the event names it. */
    scope: text("scope"),
    /** Who called: the IAM ARN (assumed-role ARN for sessions), the GCP principal email, the Azure caller. */
    principal: text("principal").notNull(),
    /** AWS assumed-role session name (Elevate sets it to the grant id). */
    sessionName: text("session_name"),
    /** The IAM action / GCP permission / Azure operation the call exercised. */
    permission: text("permission").notNull(),
    /** false when the cloud denied the call (AccessDenied, `granted: false`, AuthorizationFailed). */
    allowed: boolean("allowed").notNull(),
    /** The resource the call named, when the event says. */
    resource: text("resource"),
    /** The API operation as logged (`s3.amazonaws.com:GetObject`, GCP methodName, Azure operationName). */
    operation: text("operation").notNull(),
    attribution: text("attribution").$type<UsageAttribution>().notNull(),
    grantId: uuid("grant_id"),
    importId: uuid("import_id"),
    ingestedAt: ts("ingested_at").notNull().defaultNow(),
  },
  (t) => [
    // The event's own id is the key: no surrogate uuid (its random index was a fifth of the insert's cost)
    // and no per-principal index (nothing reads by principal alone; docs/decisions.md, "Usage ingest").
    primaryKey({ name: "usage_events_pkey", columns: [t.orgId, t.cloud, t.eventId] }),
    // Only granted calls are read by grant: standing calls (most of a real log) stay out of this index.
    index("usage_events_org_grant_idx").on(t.orgId, t.grantId).where(sql`${t.grantId} is not null`),
    index("usage_events_org_occurred_idx").on(t.orgId, t.occurredAt),
    check("usage_events_cloud_check", sql`${t.cloud} in ('aws', 'gcp', 'azure')`),
    check(
      "usage_events_attribution_check",
      sql`(${t.attribution} = 'grant' and ${t.grantId} is not null) or (${t.attribution} = 'standing' and ${t.grantId} is null)`,
    ),
  ],
);

/** Where the scheduled pull of one target resumes (opaque per adapter: a time, a page token). */
export const usageCheckpoints = pgTable("usage_checkpoints", {
  targetId: uuid("target_id")
    .primaryKey()
    .references(() => targets.id),
  orgId: uuid("org_id")
    .notNull()
    .references(() => organizations.id),
  cursor: jsonb("cursor").$type<Record<string, unknown>>().notNull(),
  pulledEvents: integer("pulled_events").notNull().default(0),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});
