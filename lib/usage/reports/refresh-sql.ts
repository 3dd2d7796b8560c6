import { type SQL, sql } from "drizzle-orm";

/** The person's groups as rows of `grp`, plus the all-groups row, for the lateral join below. */
const groupsOf = (orgId: string, userId: SQL) => sql`(
  select '*'::text as grp
  union all
  select gr.name from memberships m join groups gr on gr.id = m.group_id
  where m.org_id = ${orgId} and m.user_id = ${userId}
) g`;

type Range = { orgId: string; day: string; start: Date; end: Date };

const INSERT = sql`insert into report_daily (org_id, day, kind, target_id, template_key, cloud, grp, key, n, total, samples)`;

/** One insert-select per roll-up kind, each over one UTC day of its source rows. */
export function rollupStatements({ orgId, day, start, end }: Range): SQL[] {
  const reqFrom = sql`from access_requests r
    join targets tg on tg.id = r.target_id
    left join task_templates t on t.id = r.template_id
    cross join lateral ${groupsOf(orgId, sql`r.requester_id`)}`;
  const grantFrom = sql`from grants gx
    join access_requests r on r.id = gx.request_id
    join targets tg on tg.id = gx.target_id
    left join task_templates t on t.id = r.template_id
    cross join lateral ${groupsOf(orgId, sql`gx.user_id`)}`;
  const dims = sql`tg.id, coalesce(t.key, ''), tg.cloud, g.grp`;
  // ISO strings, cast: postgres.js takes no Date in a raw statement's parameters.
  const inDay = (col: SQL) =>
    sql`${col} >= ${start.toISOString()}::timestamptz and ${col} < ${end.toISOString()}::timestamptz`;
  return [
    sql`${INSERT} select ${orgId}, ${day}::date, 'requests', ${dims}, r.status, count(*), 0, null
      ${reqFrom} where r.org_id = ${orgId} and ${inDay(sql`r.created_at`)}
      group by ${dims}, r.status`,
    sql`${INSERT} select ${orgId}, ${day}::date, 'approve_seconds', ${dims}, '', count(*), 0,
        array_agg(extract(epoch from r.decided_at - r.created_at)::float8)
      ${reqFrom} where r.org_id = ${orgId} and ${inDay(sql`r.created_at`)}
        and r.decided_at is not null and r.status in ('approved', 'completed')
      group by ${dims}`,
    sql`${INSERT} select ${orgId}, ${day}::date, 'access_seconds', ${dims}, '', count(*), 0,
        array_agg(extract(epoch from gx.activated_at - r.created_at)::float8)
      ${grantFrom} where gx.org_id = ${orgId} and ${inDay(sql`r.created_at`)} and gx.activated_at is not null
      group by ${dims}`,
    sql`${INSERT} select ${orgId}, ${day}::date, 'decisions', ${dims}, coalesce(u.name, u.email), count(*),
        count(*) filter (where a.verdict = 'deny'), null
      from approvals a
      join users u on u.id = a.approver_id
      join access_requests r on r.id = a.request_id
      join targets tg on tg.id = r.target_id
      left join task_templates t on t.id = r.template_id
      cross join lateral ${groupsOf(orgId, sql`r.requester_id`)}
      where a.org_id = ${orgId} and ${inDay(sql`a.created_at`)}
      group by ${dims}, coalesce(u.name, u.email)`,
    sql`${INSERT} select ${orgId}, ${day}::date, 'grants', ${dims}, '', count(*), 0, null
      ${grantFrom} where gx.org_id = ${orgId} and ${inDay(sql`gx.created_at`)}
      group by ${dims}`,
    // The day's events counted per grant, target, cloud and permission first, then joined to their grants
    // and groups: the joins (and the groups' lateral subquery) run per distinct key, not per event.
    sql`${INSERT} select ${orgId}, ${day}::date, 'calls', coalesce(gx.target_id, e.target_id),
        case when e.grant_id is null then '(standing)' else coalesce(t.key, '') end, e.cloud, g.grp, e.permission,
        sum(e.allowed_n), sum(e.denied_n), null
      from (
        select e.grant_id, e.target_id, e.cloud, e.permission,
          count(*) filter (where e.allowed) as allowed_n, count(*) filter (where not e.allowed) as denied_n
        from usage_events e
        where e.org_id = ${orgId} and ${inDay(sql`e.occurred_at`)}
        group by e.grant_id, e.target_id, e.cloud, e.permission
      ) e
      left join grants gx on gx.id = e.grant_id
      left join access_requests r on r.id = gx.request_id
      left join task_templates t on t.id = r.template_id
      cross join lateral ${groupsOf(orgId, sql`gx.user_id`)}
      group by 4, 5, e.cloud, g.grp, e.permission`,
    // The permissions the day's grants used (allowed at least once), read in one pass over their events
    // instead of one search per grant and permission.
    sql`with used as materialized (
        select distinct e.grant_id, e.permission
        from usage_events e
        join grants ug on ug.id = e.grant_id
        where e.org_id = ${orgId} and e.allowed and ug.org_id = ${orgId} and ${inDay(sql`ug.activated_at`)}
      )
      ${INSERT} select ${orgId}, ${day}::date, 'perm_grants', ${dims}, p.perm, count(*),
        count(*) filter (where exists (
          select 1 from used u
          where u.grant_id = gx.id
            and (case when tg.cloud = 'gcp' then u.permission = p.perm else lower(u.permission) = lower(p.perm) end)
        )), null
      ${grantFrom}
      cross join lateral jsonb_array_elements_text(gx.role_spec -> 'permissions') p(perm)
      where gx.org_id = ${orgId} and ${inDay(sql`gx.activated_at`)}
      group by ${dims}, p.perm`,
    sql`${INSERT} select ${orgId}, ${day}::date, 'revocation_lateness', ${dims}, '', count(*),
        count(*) filter (where coalesce(gx.revoked_at, now()) - gx.expires_at > interval '60 seconds'),
        array_agg(extract(epoch from coalesce(gx.revoked_at, now()) - gx.expires_at)::float8)
      ${grantFrom} where gx.org_id = ${orgId} and ${inDay(sql`gx.expires_at`)}
        and (gx.revoked_at >= gx.expires_at
          or (gx.revoked_at is null and gx.status in ('active', 'revoking', 'revoke_stuck') and gx.expires_at < now()))
      group by ${dims}`,
  ];
}
