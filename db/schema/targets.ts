import { sql } from "drizzle-orm";
import { jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, oneOf } from "./_columns";
import { ADAPTER_KINDS, CLOUDS } from "./enums";
import { organizations } from "./organizations";

export const targets = pgTable(
  "targets",
  {
    id: id(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id),
    name: text("name").notNull(),
    cloud: text("cloud", { enum: CLOUDS }).notNull(),
    adapter: text("adapter", { enum: ADAPTER_KINDS }).notNull().default("sandbox"),
    /** AWS account id, GCP project id, or Azure subscription id. */
    externalId: text("external_id").notNull(),
    /** Connection settings; credentials only by reference (env var or secret name), never inline. */
    /** What policy rules match on (docs/approvals.md): free-form tags, an environment, the owners' group. */
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    environment: text("environment"),
    ownerGroup: text("owner_group"),
    /** The PagerDuty service whose on-call people may be auto-approved here (lib/oncall). */
    oncallServiceId: text("oncall_service_id"),
    settings: jsonb("settings").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("targets_org_name_uq").on(t.orgId, t.name),
    oneOf("targets_cloud_check", t.cloud, CLOUDS),
    oneOf("targets_adapter_check", t.adapter, ADAPTER_KINDS),
  ],
);
