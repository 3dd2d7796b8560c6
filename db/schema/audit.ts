import { bigint, bigserial, index, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt } from "./_columns";
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
