import { index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, oneOf, ts } from "./_columns";
import { CLOUD_ROLE_STATUSES, type Cloud, GRANT_STATUSES } from "./enums";
import { organizations } from "./organizations";
import { accessRequests } from "./requests";
import { targets } from "./targets";
import { users } from "./users";

/** What the role builder produced for one target: the exact document the cloud receives. */
export type RoleSpec = {
  cloud: Cloud;
  permissions: string[];
  resource: string | null;
  /** Content hash of (permissions, scope shape): names the shared cloud role. */
  hash: string;
  roleName: string;
  /** The cloud-native role document (AWS policy JSON, GCP role, Azure role definition). */
  document: Record<string, unknown>;
  /** AWS: the managed policies to create when the document is over IAM's size limit. */
  parts?: Record<string, unknown>[];
  /** Per-binding settings (GCP resource condition, Azure scope); older specs have none. */
  binding?: { resourceCondition?: string; scope?: string };
};

/** One extension applied in the cloud: the binding re-made with the later expiry, read back. */
export type GrantExtensionEvidence = {
  from: string | null;
  to: string;
  requestIds: string[];
  inspected: unknown;
  at: string;
};

export type GrantEvidence = {
  provision?: {
    requestIds: string[];
    bindingId: string;
    inspected: unknown;
    at: string;
    /** What the role allows, evaluated at bind (lib/grants/effective-access.ts); read with readEffectiveAccess. */
    effective?: unknown;
    /** The cloud's own check after bind (AWS SimulatePrincipalPolicy), or `{ error }`; lib/grants/cloud-check.ts. */
    cloudCheck?: unknown;
  };
  removal?: { requestIds: string[]; inspected: unknown; at: string };
  extensions?: GrantExtensionEvidence[];
};

export const cloudRoles = pgTable(
  "cloud_roles",
  {
    id: id(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id),
    targetId: uuid("target_id")
      .notNull()
      .references(() => targets.id),
    hash: text("hash").notNull(),
    roleName: text("role_name").notNull(),
    spec: jsonb("spec").$type<RoleSpec>().notNull(),
    /** Grants currently using this role; the garbage collector deletes it at zero after a grace period. */
    refCount: integer("ref_count").notNull().default(0),
    status: text("status", { enum: CLOUD_ROLE_STATUSES }).notNull().default("active"),
    createdAt: createdAt(),
    releasedAt: ts("released_at"),
    deletedAt: ts("deleted_at"),
  },
  (t) => [
    uniqueIndex("cloud_roles_target_hash_uq").on(t.targetId, t.hash),
    oneOf("cloud_roles_status_check", t.status, CLOUD_ROLE_STATUSES),
  ],
);

export const grants = pgTable(
  "grants",
  {
    id: id(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id),
    requestId: uuid("request_id")
      .notNull()
      .references(() => accessRequests.id),
    targetId: uuid("target_id")
      .notNull()
      .references(() => targets.id),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    status: text("status", { enum: GRANT_STATUSES }).notNull().default("scheduled"),
    roleSpec: jsonb("role_spec").$type<RoleSpec>().notNull(),
    cloudRoleId: uuid("cloud_role_id").references(() => cloudRoles.id),
    bindingId: text("binding_id"),
    durationSeconds: integer("duration_seconds").notNull(),
    /** Set when the grant becomes active: activation time + duration. */
    expiresAt: ts("expires_at"),
    activatedAt: ts("activated_at"),
    revokedAt: ts("revoked_at"),
    revokeReason: text("revoke_reason"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: ts("next_attempt_at"),
    lastError: text("last_error"),
    evidence: jsonb("evidence").$type<GrantEvidence>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("grants_request_target_uq").on(t.requestId, t.targetId),
    index("grants_org_status_idx").on(t.orgId, t.status),
    index("grants_due_idx").on(t.status, t.expiresAt),
    index("grants_user_idx").on(t.orgId, t.userId, t.status),
    // Admin "live grants" lists newest first, one page at a time: walk this index instead of sorting.
    index("grants_org_created_idx").on(t.orgId, t.createdAt, t.id),
    oneOf("grants_status_check", t.status, GRANT_STATUSES),
  ],
);
