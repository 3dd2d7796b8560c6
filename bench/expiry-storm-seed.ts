import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { accessRequests, approvals, grants, permissionsOn, policies } from "@/db/schema";
import type { SeededOrg } from "@/db/seed/org";
import { testRoleSpec } from "@/lib/testing/role-spec";

const TEMPLATES = ["logs.read", "db.read", "bucket.read", "k8s.read", "vm.ssh"];

/** Approved requests (with their approval) and scheduled grants, as decideRequest leaves them, in bulk. */
export async function seedApproved(db: Db, org: SeededOrg, n: number) {
  const [policy] = await db.select().from(policies).where(eq(policies.orgId, org.org.id));
  const targets = [org.targets.aws, org.targets.gcp, org.targets.azure];
  const out: { requestId: string; grantId: string }[] = [];
  for (let from = 0; from < n; from += 500) {
    const idx = Array.from({ length: Math.min(500, n - from) }, (_, k) => from + k);
    const reqs = await db
      .insert(accessRequests)
      .values(
        idx.map((i) => ({
          orgId: org.org.id,
          requesterId: org.users.requester.id,
          targetId: targets[i % 3].id,
          templateId: org.template(TEMPLATES[i % TEMPLATES.length]).id,
          durationSeconds: 3600,
          justification: `storm ${i}`,
          status: "approved" as const,
          policyId: policy.id,
          approvalsRequired: 1,
          approverGroup: "approvers",
          decidedAt: new Date(),
        })),
      )
      .returning();
    await db.insert(approvals).values(
      reqs.map((r) => ({
        orgId: org.org.id,
        requestId: r.id,
        approverId: org.users.approver.id,
        verdict: "approve" as const,
        channel: "web" as const,
      })),
    );
    const made = await db
      .insert(grants)
      .values(
        reqs.map((r) => {
          const target = targets.find((t) => t.id === r.targetId)!;
          const template = org.templates.find((t) => t.id === r.templateId)!;
          const roleSpec = testRoleSpec({
            cloud: target.cloud,
            permissions: permissionsOn(template.permissions, target.cloud),
            resource: null,
            accountId: target.externalId,
          });
          return {
            orgId: org.org.id,
            requestId: r.id,
            targetId: r.targetId,
            userId: r.requesterId,
            roleSpec,
            durationSeconds: r.durationSeconds,
          };
        }),
      )
      .returning({ id: grants.id, requestId: grants.requestId });
    out.push(...made.map((g) => ({ requestId: g.requestId, grantId: g.id })));
  }
  return out;
}
