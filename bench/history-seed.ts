import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { policies } from "@/db/schema";
import type { SeededOrg } from "@/db/seed/org";

/**
 * Bulk history for the report benches, with generate_series: `grants` completed requests spread over
 * [start, end), each approved once (by approver2) and with one revoked grant of `permissions` on the AWS
 * target. `decidedSpreadSeconds` spreads decision times (i % spread); `removalEvidence` stores the
 * removal read-back the compliance report shows, and revocation lateness of 0–59 s.
 */
export async function seedHistory(
  db: Db,
  org: SeededOrg,
  o: {
    grants: number;
    start: Date;
    end: Date;
    permissions: string[];
    decidedSpreadSeconds?: number;
    removalEvidence?: boolean;
  },
): Promise<void> {
  const orgId = org.org.id;
  const step = (o.end.getTime() - o.start.getTime()) / 1000 / o.grants;
  const spread = o.decidedSpreadSeconds ?? 0;
  const [policy] = await db
    .select({ id: policies.id })
    .from(policies)
    .where(eq(policies.orgId, orgId))
    .limit(1);
  const people = [org.users.requester.id, org.users.approver.id, org.users.admin.id];
  await db.execute(sql`
    insert into access_requests (org_id, requester_id, target_id, template_id, duration_seconds, justification,
      status, policy_id, approvals_required, approver_group, created_at, decided_at)
    select ${orgId}, (array[${sql.join(
      people.map((p) => sql`${p}::uuid`),
      sql`, `,
    )}])[1 + i % 3], ${org.targets.aws.id}, ${org.template("vm.ssh").id}, 3600, 'bench', 'completed', ${policy.id}, 1,
      'approvers', ${o.start.toISOString()}::timestamptz + (i * ${step}::float8) * interval '1 second',
      ${o.start.toISOString()}::timestamptz + (i * ${step}::float8 + 60 + ${spread > 0 ? sql`i % ${spread}::int` : sql`0`}) * interval '1 second'
    from generate_series(0, ${o.grants - 1}::int) i`);
  const spec = JSON.stringify({
    cloud: "aws",
    permissions: o.permissions,
    resource: null,
    hash: "bench",
    roleName: "bench",
    document: {},
  });
  await db.execute(
    o.removalEvidence
      ? sql`
    insert into grants (org_id, request_id, target_id, user_id, status, role_spec, duration_seconds, activated_at,
      expires_at, revoked_at, revoke_reason, evidence, created_at)
    select r.org_id, r.id, r.target_id, r.requester_id, 'revoked', ${spec}::jsonb, 3600,
      r.decided_at + interval '20 seconds', r.decided_at + interval '3620 seconds',
      r.decided_at + interval '3620 seconds' + (r.created_at - date_trunc('minute', r.created_at)), 'expired',
      jsonb_build_object('removal', jsonb_build_object('requestIds', jsonb_build_array('bench-' || r.id), 'inspected',
        jsonb_build_object('present', false), 'at', (r.decided_at + interval '3630 seconds')::text)), r.decided_at
    from access_requests r where r.org_id = ${orgId}`
      : sql`
    insert into grants (org_id, request_id, target_id, user_id, status, role_spec, duration_seconds, activated_at,
      expires_at, revoked_at, created_at)
    select r.org_id, r.id, r.target_id, r.requester_id, 'revoked', ${spec}::jsonb, 3600,
      r.decided_at + interval '20 seconds', r.decided_at + interval '3620 seconds',
      r.decided_at + interval '3650 seconds', r.decided_at
    from access_requests r where r.org_id = ${orgId}`,
  );
  await db.execute(sql`
    insert into approvals (org_id, request_id, approver_id, verdict, channel, created_at)
    select r.org_id, r.id, ${org.users.approver2.id}, 'approve', 'web', r.decided_at
    from access_requests r where r.org_id = ${orgId}`);
}
