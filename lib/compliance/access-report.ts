import { and, asc, eq, gte, inArray, isNotNull, lt, or, sql } from "drizzle-orm";
import { accessRequests, approvals, auditEvents, grants, targets, taskTemplates, users } from "@/db/schema";
import { assertPermission, type Ctx } from "@/lib/ctx";
import { parseInput } from "@/lib/errors";
import { controlLabels, type SectionKey } from "./controls";
import type { AccessReport, AccessRow } from "./report-types";
import { AccessReportInput } from "./schemas";
import { standingAccess } from "./standing-access";

/** Audit actions that mark a grant as having failed or stalled at some point. */
const FAILURE_ACTIONS = [
  "grant.failed",
  "grant.revoke_stuck",
  "grant.provision_retry",
  "grant.provision_abandoned",
  "grant.workflow_failed",
];
export const SELF_APPROVAL_REFUSED = "request.self_approval_refused";
export const BREAK_GLASS = "request.break_glass";
const SECTIONS: SectionKey[] = [
  "access",
  "approvals",
  "removal",
  "lateness",
  "failures",
  "selfApproval",
  "breakGlass",
  "standingAccess",
];

/**
 * The auditor's access report for [from, to): grants that were live at some point of the period, grouped
 * by person, target or template, with approvals and removal proof; revocation lateness; failed or stuck
 * grants and their outcome; refused self-approvals; break-glass use; and the standing-access statement.
 */
export async function buildAccessReport({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: AccessReportInput;
}): Promise<AccessReport> {
  assertPermission(ctx, "audit.read");
  const { from, to, by } = parseInput(AccessReportInput, input);
  const rows = await accessRows(ctx, from, to);
  const groups = new Map<string, AccessRow[]>();
  for (const r of rows) {
    const key = by === "person" ? r.person : by === "target" ? r.target : r.template;
    const list = groups.get(key) ?? [];
    list.push(r);
    groups.set(key, list);
  }
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    by,
    generatedAt: new Date().toISOString(),
    controls: Object.fromEntries(SECTIONS.map((s) => [s, controlLabels(s)])),
    access: [...groups]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, list]) => ({ key, grants: list.length, rows: list })),
    lateness: await lateness(ctx, from, to),
    failures: await failures(ctx, from, to),
    selfApprovals: await selfApprovals(ctx, from, to),
    breakGlass: await breakGlass(ctx, from, to),
    standingAccess: await standingAccess(ctx),
  };
}

async function accessRows(ctx: Ctx, from: Date, to: Date): Promise<AccessRow[]> {
  const inPeriod = and(
    eq(grants.orgId, ctx.orgId),
    isNotNull(grants.activatedAt),
    lt(grants.activatedAt, to),
    or(sql`${grants.revokedAt} is null`, gte(grants.revokedAt, from)),
  );
  const rows = await ctx.db
    .select({
      grant: grants,
      person: users.email,
      target: targets.name,
      templateKey: taskTemplates.key,
      templateVersion: taskTemplates.version,
      requestedAt: accessRequests.createdAt,
      justification: accessRequests.justification,
    })
    .from(grants)
    .innerJoin(accessRequests, eq(accessRequests.id, grants.requestId))
    .innerJoin(users, eq(users.id, grants.userId))
    .innerJoin(targets, eq(targets.id, grants.targetId))
    .leftJoin(taskTemplates, eq(taskTemplates.id, accessRequests.templateId))
    .where(inPeriod)
    .orderBy(asc(grants.activatedAt), asc(grants.id));
  // The period's requests as a subquery, not a list of ids: no parameter limit however many grants.
  const requestIds = ctx.db.select({ id: grants.requestId }).from(grants).where(inPeriod);
  const decisions = rows.length
    ? await ctx.db
        .select({
          requestId: approvals.requestId,
          approver: users.email,
          verdict: approvals.verdict,
          channel: approvals.channel,
          at: approvals.createdAt,
          comment: approvals.comment,
        })
        .from(approvals)
        .innerJoin(users, eq(users.id, approvals.approverId))
        .where(and(eq(approvals.orgId, ctx.orgId), inArray(approvals.requestId, requestIds)))
        .orderBy(asc(approvals.createdAt))
    : [];
  const byRequest = new Map<string, AccessRow["approvals"]>();
  for (const d of decisions) {
    const list = byRequest.get(d.requestId) ?? [];
    list.push({
      approver: d.approver,
      verdict: d.verdict,
      channel: d.channel,
      at: d.at.toISOString(),
      comment: d.comment,
    });
    byRequest.set(d.requestId, list);
  }
  return rows.map((r) => {
    const removal = r.grant.evidence.removal;
    const inspected = removal?.inspected as { present?: unknown } | null | undefined;
    return {
      grantId: r.grant.id,
      requestId: r.grant.requestId,
      person: r.person,
      target: r.target,
      template: r.templateKey ? `${r.templateKey} v${r.templateVersion}` : "(explicit permissions)",
      status: r.grant.status,
      requestedAt: r.requestedAt.toISOString(),
      activatedAt: r.grant.activatedAt?.toISOString() ?? null,
      expiresAt: r.grant.expiresAt?.toISOString() ?? null,
      revokedAt: r.grant.revokedAt?.toISOString() ?? null,
      justification: r.justification,
      approvals: byRequest.get(r.grant.requestId) ?? [],
      removal: removal
        ? {
            at: removal.at,
            cloudRequestIds: removal.requestIds,
            absentOnReadBack: typeof inspected?.present === "boolean" ? !inspected.present : null,
          }
        : null,
    };
  });
}

const LATENESS_BUCKETS: [string, number][] = [
  ["on time (<= 0 s)", 0],
  ["<= 10 s", 10],
  ["<= 1 min", 60],
  ["<= 5 min", 300],
  ["<= 1 h", 3600],
  ["> 1 h", Number.POSITIVE_INFINITY],
];

async function lateness(ctx: Ctx, from: Date, to: Date): Promise<AccessReport["lateness"]> {
  const rows = await ctx.db
    .select({ seconds: sql<number>`extract(epoch from (${grants.revokedAt} - ${grants.expiresAt}))::float8` })
    .from(grants)
    .where(
      and(
        eq(grants.orgId, ctx.orgId),
        eq(grants.revokeReason, "expired"),
        isNotNull(grants.revokedAt),
        gte(grants.expiresAt, from),
        lt(grants.expiresAt, to),
      ),
    );
  const secs = rows.map((r) => Math.max(0, Number(r.seconds))).sort((a, b) => a - b);
  const pick = (q: number) =>
    secs.length ? secs[Math.min(secs.length - 1, Math.ceil(q * secs.length) - 1)] : null;
  const buckets = LATENESS_BUCKETS.map(([label]) => ({ label, count: 0 }));
  for (const s of secs) buckets[LATENESS_BUCKETS.findIndex(([, max]) => s <= max)].count += 1;
  return { count: secs.length, p50: pick(0.5), p95: pick(0.95), max: secs.at(-1) ?? null, buckets };
}

async function failures(ctx: Ctx, from: Date, to: Date): Promise<AccessReport["failures"]> {
  const events = await ctx.db
    .select({ grantId: auditEvents.subjectId, action: auditEvents.action, at: auditEvents.createdAt })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.orgId, ctx.orgId),
        eq(auditEvents.subjectType, "grant"),
        inArray(auditEvents.action, FAILURE_ACTIONS),
        gte(auditEvents.createdAt, from),
        lt(auditEvents.createdAt, to),
      ),
    )
    .orderBy(asc(auditEvents.seq));
  const byGrant = new Map<string, string[]>();
  for (const e of events)
    byGrant.set(e.grantId, [...(byGrant.get(e.grantId) ?? []), `${e.action} ${e.at.toISOString()}`]);
  const ids = [...byGrant.keys()].filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  if (ids.length === 0) return [];
  const rows = await ctx.db
    .select({ grant: grants, person: users.email, target: targets.name })
    .from(grants)
    .innerJoin(users, eq(users.id, grants.userId))
    .innerJoin(targets, eq(targets.id, grants.targetId))
    .where(and(eq(grants.orgId, ctx.orgId), inArray(grants.id, ids)))
    .orderBy(asc(grants.createdAt));
  return rows.map(({ grant: g, person, target }) => ({
    grantId: g.id,
    person,
    target,
    status: g.status,
    events: byGrant.get(g.id) ?? [],
    lastError: g.lastError,
    resolution: resolution(g.status, g.revokedAt),
  }));
}

/** How a grant that failed or stalled ended up, from its current state. */
export function resolution(status: string, revokedAt: Date | null): string {
  switch (status) {
    case "revoked":
      return `Resolved: access removed${revokedAt ? ` at ${revokedAt.toISOString()}` : ""}`;
    case "active":
      return "Resolved: provisioned after retry, access live";
    case "failed":
      return "Resolved: provisioning abandoned, no access was left in the cloud";
    case "revoke_stuck":
      return "Unresolved: removal stuck, an operator must act";
    default:
      return `In progress (${status})`;
  }
}

async function auditOf(ctx: Ctx, action: string, from: Date, to: Date) {
  return ctx.db
    .select({
      at: auditEvents.createdAt,
      actorId: auditEvents.actorId,
      actorType: auditEvents.actorType,
      subjectId: auditEvents.subjectId,
      data: auditEvents.data,
      email: users.email,
    })
    .from(auditEvents)
    .leftJoin(users, and(eq(users.orgId, auditEvents.orgId), sql`${users.id}::text = ${auditEvents.actorId}`))
    .where(
      and(
        eq(auditEvents.orgId, ctx.orgId),
        eq(auditEvents.action, action),
        gte(auditEvents.createdAt, from),
        lt(auditEvents.createdAt, to),
      ),
    )
    .orderBy(asc(auditEvents.seq));
}

async function selfApprovals(ctx: Ctx, from: Date, to: Date): Promise<AccessReport["selfApprovals"]> {
  const rows = await auditOf(ctx, SELF_APPROVAL_REFUSED, from, to);
  return rows.map((r) => ({
    at: r.at.toISOString(),
    person: r.email ?? `${r.actorType}:${r.actorId}`,
    requestId: r.subjectId,
    channel: typeof r.data.channel === "string" ? r.data.channel : "",
  }));
}

async function breakGlass(ctx: Ctx, from: Date, to: Date): Promise<AccessReport["breakGlass"]> {
  const rows = await auditOf(ctx, BREAK_GLASS, from, to);
  const events = rows.map((r) => ({
    at: r.at.toISOString(),
    actor: r.email ?? `${r.actorType}:${r.actorId}`,
    subjectId: r.subjectId,
  }));
  return { count: events.length, events };
}
