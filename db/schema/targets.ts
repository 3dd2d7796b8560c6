import { jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id } from "./_columns";
import { organizations } from "./organizations";

export type Cloud = "aws" | "gcp" | "azure";
export type AdapterKind = "sandbox" | "aws" | "gcp" | "azure";

export const targets = pgTable(
  "targets",
  {
    id: id(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id),
    name: text("name").notNull(),
    cloud: text("cloud").$type<Cloud>().notNull(),
    adapter: text("adapter").$type<AdapterKind>().notNull().default("sandbox"),
    /** AWS account id, GCP project id, or Azure subscription id. */
    externalId: text("external_id").notNull(),
    /** Connection settings; credentials only by reference (env var or secret name), never inline. */
    settings: jsonb("settings").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("targets_org_name_uq").on(t.orgId, t.name)],
);
