import { integer, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, oneOf } from "./_columns";
import { RISKS } from "./enums";
import { organizations } from "./organizations";

export { type CloudPermissions, permissionsOn } from "./cloud-permissions";

import type { CloudPermissions } from "./cloud-permissions";

/** A versioned, cross-cloud task intent ("what do you need to do?"). Each save is a new row. */
export const taskTemplates = pgTable(
  "task_templates",
  {
    id: id(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id),
    key: text("key").notNull(),
    version: integer("version").notNull().default(1),
    name: text("name").notNull(),
    description: text("description").notNull(),
    risk: text("risk", { enum: RISKS }).notNull(),
    permissions: jsonb("permissions").$type<CloudPermissions>().notNull(),
    /** Placeholders the requester may fill to narrow scope, e.g. ["instance"]. */
    placeholders: text("placeholders").array().notNull().default([]),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("templates_org_key_version_uq").on(t.orgId, t.key, t.version),
    oneOf("task_templates_risk_check", t.risk, RISKS),
  ],
);
