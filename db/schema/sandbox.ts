import { index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, ts } from "./_columns";
import { targets } from "./targets";

/** The sandbox cloud's IAM, kept in the database: roles and bindings as a cloud would hold them. */
export const sandboxRoles = pgTable(
  "sandbox_roles",
  {
    id: id(),
    targetId: uuid("target_id")
      .notNull()
      .references(() => targets.id),
    roleName: text("role_name").notNull(),
    document: jsonb("document").$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("sandbox_roles_target_name_uq").on(t.targetId, t.roleName)],
);

export const sandboxBindings = pgTable(
  "sandbox_bindings",
  {
    id: id(),
    targetId: uuid("target_id")
      .notNull()
      .references(() => targets.id),
    bindingId: text("binding_id").notNull(),
    roleName: text("role_name").notNull(),
    principal: text("principal").notNull(),
    /** The cloud-enforced expiry condition: the sandbox denies use at or after this instant. */
    notAfter: ts("not_after").notNull(),
    tags: jsonb("tags").$type<Record<string, string>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("sandbox_bindings_target_binding_uq").on(t.targetId, t.bindingId),
    index("sandbox_bindings_target_idx").on(t.targetId),
  ],
);

/** Sandbox call counter for request ids and quotas. */
export const sandboxCalls = pgTable("sandbox_calls", {
  targetId: uuid("target_id")
    .primaryKey()
    .references(() => targets.id),
  count: integer("count").notNull().default(0),
});
