import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import {
  accessRequests,
  auditEvents,
  cloudRoles,
  grants,
  policies,
  type RequestStatus,
  sandboxBindings,
} from "@/db/schema";
import type { SeededOrg } from "@/db/seed/org";
import { testRoleSpec } from "@/lib/testing/role-spec";
import { systemCtx } from "@/lib/workflows/system-ctx";

export const PERMISSIONS = ["s3:GetObject", "s3:ListBucket"];

/** An approved request with one scheduled grant, as decideRequest leaves it (the test owns its org). */
export async function scheduledGrant(
  db: Db,
  org: SeededOrg,
  opts: {
    durationSeconds?: number;
    user?: "requester" | "approver";
    requestStatus?: RequestStatus;
    /** Another cloud's target, with the "logs.read" template's permissions there (default AWS, S3 reads). */
    cloud?: "aws" | "gcp" | "azure";
  } = {},
) {
  const cloud = opts.cloud ?? "aws";
  const target = org.targets[cloud];
  const user = org.users[opts.user ?? "requester"];
  const [policy] = await db.select().from(policies).where(eq(policies.orgId, org.org.id));
  const [request] = await db
    .insert(accessRequests)
    .values({
      orgId: org.org.id,
      requesterId: user.id,
      targetId: target.id,
      templateId: org.templates[0].id,
      durationSeconds: opts.durationSeconds ?? 3600,
      justification: "test",
      status: opts.requestStatus ?? "approved",
      policyId: policy.id,
      approvalsRequired: 1,
      approverGroup: "approvers",
    })
    .returning();
  const roleSpec = testRoleSpec({
    cloud,
    permissions: cloud === "aws" ? PERMISSIONS : (org.template("logs.read").permissions[cloud] ?? []),
    resource: null,
    accountId: target.externalId,
  });
  const [grant] = await db
    .insert(grants)
    .values({
      orgId: org.org.id,
      requestId: request.id,
      targetId: target.id,
      userId: user.id,
      roleSpec,
      durationSeconds: opts.durationSeconds ?? 3600,
    })
    .returning();
  return { request, grant, target, principal: user.email, ctx: systemCtx(db, org.org.id, "test") };
}

export async function grantRow(db: Db, id: string) {
  const [row] = await db.select().from(grants).where(eq(grants.id, id));
  return row;
}

export async function roleRow(db: Db, targetId: string, hash: string) {
  const [row] = await db
    .select()
    .from(cloudRoles)
    .where(and(eq(cloudRoles.targetId, targetId), eq(cloudRoles.hash, hash)));
  return row;
}

export async function bindingsOf(db: Db, targetId: string) {
  return db.select().from(sandboxBindings).where(eq(sandboxBindings.targetId, targetId));
}

export async function auditActions(db: Db, orgId: string, subjectId: string): Promise<string[]> {
  const rows = await db
    .select({ action: auditEvents.action })
    .from(auditEvents)
    .where(and(eq(auditEvents.orgId, orgId), eq(auditEvents.subjectId, subjectId)))
    .orderBy(auditEvents.seq);
  return rows.map((r) => r.action);
}
