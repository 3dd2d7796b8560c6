import { and, between, desc, eq, isNotNull, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import type { Cloud, CloudPermissions, UsageCloud } from "@/db/schema";
import { accessRequests, grants, targets, taskTemplates, usageEvents, users } from "@/db/schema";

export type GrantEvidenceRow = {
  grantId: string;
  cloud: Cloud;
  person: string;
  templateKey: string | null;
  /** What the request listed (explicit permissions), already expanded; null for a template request. */
  explicit: string[] | null;
  resourceKind: string | null;
  granted: string[];
};
export type CallRow = { grantId: string; permission: string; allowed: boolean; calls: number; last: Date };
export type StandingRow = {
  cloud: UsageCloud;
  principal: string;
  permission: string;
  allowed: boolean;
  calls: number;
  days: number;
  last: Date;
};
export type TemplateRow = {
  key: string;
  version: number;
  name: string;
  placeholders: string[];
  permissions: CloudPermissions;
};

export type Evidence = {
  from: Date;
  to: Date;
  grants: GrantEvidenceRow[];
  calls: CallRow[];
  standing: StandingRow[];
  templates: TemplateRow[];
};

/** Everything right-sizing looks at in one window: grants made live in it, their calls, standing calls. */
export async function loadEvidence(db: Db, orgId: string, from: Date, to: Date): Promise<Evidence> {
  const grantRows = await db
    .select({
      grantId: grants.id,
      cloud: targets.cloud,
      email: users.email,
      name: users.name,
      templateKey: taskTemplates.key,
      explicit: accessRequests.permissions,
      resourceKind: accessRequests.resourceKind,
      spec: grants.roleSpec,
    })
    .from(grants)
    .innerJoin(accessRequests, eq(accessRequests.id, grants.requestId))
    .innerJoin(targets, eq(targets.id, grants.targetId))
    .innerJoin(users, eq(users.id, grants.userId))
    .leftJoin(taskTemplates, eq(taskTemplates.id, accessRequests.templateId))
    .where(
      and(eq(grants.orgId, orgId), isNotNull(grants.activatedAt), between(grants.activatedAt, from, to)),
    );

  const calls = await db
    .select({
      grantId: sql<string>`${usageEvents.grantId}`,
      permission: usageEvents.permission,
      allowed: usageEvents.allowed,
      calls: sql<number>`count(*)::int`,
      last: sql<Date>`max(${usageEvents.occurredAt})`.mapWith(usageEvents.occurredAt),
    })
    .from(usageEvents)
    .innerJoin(grants, eq(grants.id, usageEvents.grantId))
    .where(
      and(
        eq(usageEvents.orgId, orgId),
        eq(usageEvents.attribution, "grant"),
        between(grants.activatedAt, from, to),
        between(usageEvents.occurredAt, from, to),
      ),
    )
    .groupBy(usageEvents.grantId, usageEvents.permission, usageEvents.allowed);

  const standing = await db
    .select({
      cloud: usageEvents.cloud,
      principal: usageEvents.principal,
      permission: usageEvents.permission,
      allowed: usageEvents.allowed,
      calls: sql<number>`count(*)::int`,
      days: sql<number>`count(distinct (${usageEvents.occurredAt} at time zone 'UTC')::date)::int`,
      last: sql<Date>`max(${usageEvents.occurredAt})`.mapWith(usageEvents.occurredAt),
    })
    .from(usageEvents)
    .where(
      and(
        eq(usageEvents.orgId, orgId),
        eq(usageEvents.attribution, "standing"),
        between(usageEvents.occurredAt, from, to),
      ),
    )
    .groupBy(usageEvents.cloud, usageEvents.principal, usageEvents.permission, usageEvents.allowed);

  const templates = await db
    .selectDistinctOn([taskTemplates.key], {
      key: taskTemplates.key,
      version: taskTemplates.version,
      name: taskTemplates.name,
      placeholders: taskTemplates.placeholders,
      permissions: taskTemplates.permissions,
    })
    .from(taskTemplates)
    .where(eq(taskTemplates.orgId, orgId))
    .orderBy(taskTemplates.key, desc(taskTemplates.version));

  return {
    from,
    to,
    grants: grantRows.map((g) => ({
      grantId: g.grantId,
      cloud: g.cloud,
      person: g.name ?? g.email,
      templateKey: g.templateKey,
      explicit: g.explicit,
      resourceKind: g.resourceKind,
      granted: g.spec.permissions,
    })),
    calls,
    standing,
    templates,
  };
}
