import { bigint, bigserial, index, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, oneOf, ts } from "./_columns";
import { CHECKPOINT_REASONS } from "./enums";
import { organizations } from "./organizations";

/**
 * Append-only, hash-chained per organization: hash = sha256(prevHash + canonicalJSON(row)).
 * UPDATE and DELETE are blocked by a trigger (see the custom migration).
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id),
    seq: bigint("seq", { mode: "number" }).notNull(),
    actorType: text("actor_type").notNull(),
    actorId: text("actor_id").notNull(),
    action: text("action").notNull(),
    subjectType: text("subject_type").notNull(),
    subjectId: text("subject_id").notNull(),
    data: jsonb("data").$type<Record<string, unknown>>().notNull().default({}),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("audit_org_seq_uq").on(t.orgId, t.seq),
    index("audit_subject_idx").on(t.orgId, t.subjectType, t.subjectId),
  ],
);

/**
 * An audited transaction's events wait here until its COMMIT: a deferred constraint trigger then takes the
 * org's chain lock, links each one to the head of `audit_events`, inserts it there and deletes it here
 * (see the custom part of migration 0008). A committed row here means that trigger was bypassed.
 * `hashPrefix` and `hashSuffix` are the event's canonical JSON before and after its not yet known seq.
 */
export const auditPending = pgTable("audit_pending", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  orgId: uuid("org_id")
    .notNull()
    .references(() => organizations.id),
  actorType: text("actor_type").notNull(),
  actorId: text("actor_id").notNull(),
  action: text("action").notNull(),
  subjectType: text("subject_type").notNull(),
  subjectId: text("subject_id").notNull(),
  data: jsonb("data").$type<Record<string, unknown>>().notNull().default({}),
  createdAt: createdAt(),
  hashPrefix: text("hash_prefix").notNull(),
  hashSuffix: text("hash_suffix").notNull(),
});

/**
 * Signed checkpoints of each org's chain (lib/audit/checkpoint.ts): the head hash at `seq`, signed with the
 * server's Ed25519 key over a canonical byte string (org, seq, head hash, time, key id, reason). Append-only
 * like audit_events (trigger in the custom part of the migration); a `retention` checkpoint is the cut
 * below which events may be purged, and where verification starts afterwards.
 */
export const auditCheckpoints = pgTable(
  "audit_checkpoints",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id),
    seq: bigint("seq", { mode: "number" }).notNull(),
    headHash: text("head_hash").notNull(),
    /** The signed time (ms precision, as signed). */
    signedAt: ts("signed_at").notNull(),
    keyId: text("key_id").notNull(),
    reason: text("reason", { enum: CHECKPOINT_REASONS }).notNull(),
    /** Ed25519 signature, lowercase hex. */
    signature: text("signature").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("audit_checkpoints_org_seq_reason_uq").on(t.orgId, t.seq, t.reason),
    oneOf("audit_checkpoints_reason_check", t.reason, CHECKPOINT_REASONS),
  ],
);
