import { boolean, index, integer, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, ts } from "./_columns";
import { groups } from "./groups";
import { organizations } from "./organizations";
import { users } from "./users";

/**
 * The bearer token a directory (Okta, Entra ID, Google) presents at /scim/v2, one live per organization:
 * minting a new one revokes the old (lib/scim/token.ts). Only the SHA-256 of the secret is stored.
 */
export const scimTokens = pgTable(
  "scim_tokens",
  {
    id: id(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id),
    prefix: text("prefix").notNull(),
    secretHash: text("secret_hash").notNull(),
    createdAt: createdAt(),
    lastUsedAt: ts("last_used_at"),
    revokedAt: ts("revoked_at"),
  },
  (t) => [uniqueIndex("scim_tokens_hash_uq").on(t.secretHash), index("scim_tokens_org_idx").on(t.orgId)],
);

/**
 * What the directory says about a person (RFC 7643 §4.1), beside the users row it provisions. The SCIM
 * id is users.id. `deletedAt`: the directory deleted them (the users row stays for the audit trail).
 */
export const scimUsers = pgTable(
  "scim_users",
  {
    userId: uuid("user_id")
      .primaryKey()
      .references(() => users.id),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id),
    userName: text("user_name").notNull(),
    externalId: text("external_id"),
    givenName: text("given_name"),
    familyName: text("family_name"),
    displayName: text("display_name"),
    active: boolean("active").notNull().default(true),
    version: integer("version").notNull().default(1),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
    deletedAt: ts("deleted_at"),
  },
  (t) => [uniqueIndex("scim_users_org_user_name_uq").on(t.orgId, t.userName)],
);

/** A group the directory pushed (RFC 7643 §4.2); its members are rows of `memberships`. */
export const scimGroups = pgTable(
  "scim_groups",
  {
    groupId: uuid("group_id")
      .primaryKey()
      .references(() => groups.id, { onDelete: "cascade" }),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id),
    externalId: text("external_id"),
    version: integer("version").notNull().default(1),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [index("scim_groups_org_idx").on(t.orgId)],
);
