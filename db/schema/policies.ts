import { integer, jsonb, pgTable, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id } from "./_columns";
import { organizations } from "./organizations";

export type PolicyDocument = {
  /** Distinct approvals needed (N of the approver group's M members). */
  approvalsRequired: number;
  /** Name of the group whose members may approve. */
  approverGroup: string;
  maxDurationSeconds: number;
  justificationRequired: boolean;
  /** A pending request with no decision after this long lapses. */
  pendingTimeoutSeconds: number;
};

/** The org's default policy, versioned: each change inserts a new version. */
export const policies = pgTable(
  "policies",
  {
    id: id(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id),
    version: integer("version").notNull(),
    document: jsonb("document").$type<PolicyDocument>().notNull(),
    createdBy: uuid("created_by"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("policies_org_version_uq").on(t.orgId, t.version)],
);
