import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, primaryKey, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { allOf, createdAt, id, ts } from "./_columns";
import { APP_ROLES, type AppRole } from "./enums";
import { organizations } from "./organizations";

export const users = pgTable(
  "users",
  {
    id: id(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id),
    email: text("email").notNull(),
    name: text("name"),
    image: text("image"),
    emailVerified: ts("email_verified"),
    /** Stable identity from the IdP (`iss|sub`), or `demo|<persona>` for demo personas. */
    subject: text("subject").notNull(),
    localRoles: text("local_roles").array().$type<AppRole[]>().notNull().default(["requester"]),
    disabledAt: ts("disabled_at"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("users_subject_uq").on(t.subject),
    uniqueIndex("users_org_email_uq").on(t.orgId, t.email),
    allOf("users_local_roles_check", t.localRoles, APP_ROLES),
  ],
);

// next-auth adapter tables (shape of @auth/drizzle-adapter, ids are uuids here).
export const accounts = pgTable(
  "accounts",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    provider: text("provider").notNull(),
    providerAccountId: text("provider_account_id").notNull(),
    refresh_token: text("refresh_token"),
    access_token: text("access_token"),
    expires_at: integer("expires_at"),
    token_type: text("token_type"),
    scope: text("scope"),
    id_token: text("id_token"),
    session_state: text("session_state"),
  },
  (t) => [primaryKey({ columns: [t.provider, t.providerAccountId] })],
);

/**
 * Database sessions. The cookie's token is never stored: only its SHA-256 (hex, lib/auth/session-token.ts),
 * so a copy of this table, a backup or a logged query signs nobody in. The CHECK refuses anything else.
 */
export const sessions = pgTable(
  "sessions",
  {
    sessionTokenHash: text("session_token_hash").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expires: ts("expires").notNull(),
    /** When the person signed in: step-up (lib/notify/step-up.ts) asks for a recent one. */
    createdAt: ts("created_at").defaultNow(),
  },
  (t) => [
    index("sessions_user_idx").on(t.userId),
    check("sessions_token_hash_sha256", sql`${t.sessionTokenHash} ~ '^[0-9a-f]{64}$'`),
  ],
);

export const verificationTokens = pgTable(
  "verification_tokens",
  {
    identifier: text("identifier").notNull(),
    token: text("token").notNull(),
    expires: ts("expires").notNull(),
  },
  (t) => [primaryKey({ columns: [t.identifier, t.token] })],
);
