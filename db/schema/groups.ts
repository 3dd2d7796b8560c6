import { pgTable, primaryKey, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, oneOf } from "./_columns";
import { APP_ROLES, GROUP_SOURCES } from "./enums";
import { organizations } from "./organizations";
import { users } from "./users";

export const groups = pgTable(
  "groups",
  {
    id: id(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id),
    name: text("name").notNull(),
    /** Where the group comes from: the IdP's groups claim, or defined in Elevate. */
    source: text("source", { enum: GROUP_SOURCES }).notNull().default("idp"),
    /** App role that members of this group hold (e.g. the "db-approvers" IdP group → approver). */
    role: text("role", { enum: APP_ROLES }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("groups_org_name_uq").on(t.orgId, t.name),
    oneOf("groups_source_check", t.source, GROUP_SOURCES),
    oneOf("groups_role_check", t.role, APP_ROLES),
  ],
);

export const memberships = pgTable(
  "memberships",
  {
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id),
    groupId: uuid("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.userId] })],
);
