import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { policies, users } from "@/db/schema";
import { seedOrg } from "@/db/seed/org";

export type PageSeed = {
  slug: string;
  requests: number;
  activeGrants: number;
  pending: number;
  users: number;
};

/**
 * Bulk-loads one org straight into the database (a bench may; the app never does): `requests` requests
 * spread over the personas and `extraUsers` synthetic people, the first `activeGrants` of them approved
 * with an active grant each, the next `pending` waiting for the approvers group, the rest closed.
 */
export async function seedPageBench(
  db: Db,
  opts: { slug: string; requests?: number; activeGrants?: number; pending?: number; extraUsers?: number },
): Promise<PageSeed> {
  const requests = opts.requests ?? 50_000;
  const activeGrants = opts.activeGrants ?? 5_000;
  const pending = opts.pending ?? 2_000;
  const extraUsers = opts.extraUsers ?? 200;
  const org = await seedOrg(db, { slug: opts.slug, name: "Page bench" });
  const orgId = org.org.id;
  await db.insert(users).values(
    Array.from({ length: extraUsers }, (_, i) => ({
      orgId,
      email: `user${i}@${opts.slug}.example`,
      name: `Bench User ${i}`,
      subject: `bench|${opts.slug}|${i}`,
    })),
  );
  const [policy] = await db
    .select({ id: policies.id })
    .from(policies)
    .where(sql`${policies.orgId} = ${orgId}`);
  const uuidArray = (ids: string[]) => sql.raw(`array[${ids.map((id) => `'${id}'`).join(",")}]::uuid[]`);
  const people = (await db.select({ id: users.id }).from(users).where(sql`${users.orgId} = ${orgId}`)).map(
    (u) => u.id,
  );
  const targetIds = [org.targets.aws.id, org.targets.gcp.id, org.targets.azure.id];
  const templateIds = org.templates.map((t) => t.id);

  // One INSERT … SELECT each: seconds for 50k rows on Postgres and PGlite alike.
  await db.execute(sql`
    insert into access_requests (org_id, requester_id, target_id, template_id, duration_seconds, justification,
      status, policy_id, approvals_required, approver_group, created_at, updated_at, decided_at)
    select ${orgId}::uuid,
      (${uuidArray(people)})[1 + (i % ${people.length})],
      (${uuidArray(targetIds)})[1 + (i % 3)],
      (${uuidArray(templateIds)})[1 + (i % ${templateIds.length})],
      3600, 'bench request #' || i,
      case when i <= ${activeGrants} then 'approved'
           when i <= ${activeGrants + pending} then 'pending'
           else (array['completed','denied','cancelled','lapsed'])[1 + (i % 4)] end,
      ${policy.id}::uuid, 1, 'approvers',
      -- Pending requests are recent (within the policy's pending timeout), so the server's reconciler
      -- does not lapse them in the middle of the measurement.
      now() - (case when i > ${activeGrants} and i <= ${activeGrants + pending}
                    then (i - ${activeGrants}) * interval '5 seconds' else i * interval '20 seconds' end),
      now() - (i * interval '20 seconds'),
      case when i <= ${activeGrants} or i > ${activeGrants + pending} then now() - (i * interval '20 seconds') end
    from generate_series(1, ${requests}) as i`);
  await db.execute(sql`
    insert into grants (org_id, request_id, target_id, user_id, status, role_spec, duration_seconds,
      expires_at, activated_at, created_at, updated_at)
    select r.org_id, r.id, r.target_id, r.requester_id, 'active',
      jsonb_build_object('cloud', t.cloud, 'permissions', jsonb_build_array('logs:Read', 'logs:List'),
        'resource', null, 'hash', md5(t.id::text), 'roleName', 'elevate-bench-' || left(md5(t.id::text), 8),
        'document', '{}'::jsonb),
      28800, now() + interval '8 hours', r.created_at, r.created_at, r.created_at
    from access_requests r join targets t on t.id = r.target_id
    where r.org_id = ${orgId}::uuid and r.status = 'approved'`);
  await db.execute(sql`analyze`);
  return { slug: opts.slug, requests, activeGrants, pending, users: people.length };
}
