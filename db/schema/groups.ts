import { pgTable, primaryKey, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id } from "./_columns";
import { organizations } from "./organizations";
import { type AppRole, users } from "./users";

export const groups = pgTable(
  "groups",
  {
    id: id(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id),
    name: text("name").notNull(),
    /** Where the group comes from: the IdP's groups claim, or defined in Elevate. */
    source: text("source").$type<"idp" | "local">().notNull().default("idp"),
    /** App role that members of this group hold (e.g. the "db-approvers" IdP group → approver). */
    role: text("role").$type<AppRole>(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("groups_org_name_uq").on(t.orgId, t.name)],
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
