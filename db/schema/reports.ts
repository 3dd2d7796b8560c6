import { sql } from "drizzle-orm";
import { check, date, doublePrecision, index, integer, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { ts } from "./_columns";
import { organizations } from "./organizations";

/**
 * What one roll-up row counts (per UTC day and dimensions):
 * requests (key = status) · approve_seconds / access_seconds (samples: seconds from submission to approval
 * / to the grant going live) · decisions (key = approver, n decisions, total denials) · grants · calls
 * (key = permission, n allowed, total denied) · perm_grants (key = permission, n grants holding it, total
 * grants that used it) · revocation_lateness (samples: seconds between expiry and removal).
 */
export const REPORT_KINDS = [
  "requests",
  "approve_seconds",
  "access_seconds",
  "decisions",
  "grants",
  "calls",
  "perm_grants",
  "revocation_lateness",
] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/** `grp` for the row that counts everything once; other rows repeat it per group of the person. */
export const ALL_GROUPS = "*";
/** `template_key` of explicit-permission requests, and of calls made with standing access. */
export const NO_TEMPLATE = "";
export const STANDING = "(standing)";

/** Daily roll-ups the dashboards read, so they stay fast however many usage events there are. */
export const reportDaily = pgTable(
  "report_daily",
  {
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id),
    day: date("day", { mode: "string" }).notNull(),
    kind: text("kind", { enum: REPORT_KINDS }).notNull(),
    targetId: uuid("target_id"),
    templateKey: text("template_key").notNull().default(""),
    cloud: text("cloud").notNull(),
    grp: text("grp").notNull().default(ALL_GROUPS),
    key: text("key").notNull().default(""),
    n: integer("n").notNull(),
    total: doublePrecision("total").notNull().default(0),
    samples: doublePrecision("samples").array(),
    refreshedAt: ts("refreshed_at").notNull().defaultNow(),
  },
  (t) => [
    index("report_daily_org_kind_day_idx").on(t.orgId, t.grp, t.kind, t.day),
    check("report_daily_kind_check", sql.raw(`kind in (${REPORT_KINDS.map((k) => `'${k}'`).join(", ")})`)),
  ],
);
