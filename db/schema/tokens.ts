import { pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, oneOf, ts } from "./_columns";
import { organizations } from "./organizations";
import { users } from "./users";

/** API tokens act as their user; only the SHA-256 of the secret is stored. */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: id(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    name: text("name").notNull(),
    /** First characters of the token, shown in lists so people can tell tokens apart. */
    prefix: text("prefix").notNull(),
    secretHash: text("secret_hash").notNull(),
    createdAt: createdAt(),
    lastUsedAt: ts("last_used_at"),
    expiresAt: ts("expires_at"),
    revokedAt: ts("revoked_at"),
  },
  (t) => [uniqueIndex("api_tokens_hash_uq").on(t.secretHash)],
);

export const DEVICE_AUTH_STATUSES = ["pending", "approved", "denied", "consumed"] as const;
export type DeviceAuthStatus = (typeof DEVICE_AUTH_STATUSES)[number];

/**
 * The CLI's device sign-in (RFC 8628): the CLI holds the device code (stored only as SHA-256), the person
 * types the short user code in the portal and approves; the CLI's next poll receives an API token once.
 */
export const deviceAuthorizations = pgTable(
  "device_authorizations",
  {
    id: id(),
    deviceCodeHash: text("device_code_hash").notNull(),
    userCode: text("user_code").notNull(),
    /** What the CLI said it is (shown to the person who approves), e.g. "elevate CLI on build-42". */
    clientName: text("client_name").notNull(),
    status: text("status", { enum: DEVICE_AUTH_STATUSES }).notNull().default("pending"),
    /** Set by the approval: whose token the CLI receives, in which org. */
    orgId: uuid("org_id").references(() => organizations.id),
    userId: uuid("user_id").references(() => users.id),
    tokenId: uuid("token_id").references(() => apiTokens.id),
    createdAt: createdAt(),
    expiresAt: ts("expires_at").notNull(),
    decidedAt: ts("decided_at"),
    lastPolledAt: ts("last_polled_at"),
  },
  (t) => [
    uniqueIndex("device_auth_code_uq").on(t.deviceCodeHash),
    uniqueIndex("device_auth_user_code_uq").on(t.userCode),
    oneOf("device_authorizations_status_check", t.status, DEVICE_AUTH_STATUSES),
  ],
);
