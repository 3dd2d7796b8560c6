import { type AnyColumn, and, asc, eq, inArray, type SQL, sql } from "drizzle-orm";
import { alias, type SelectedFields } from "drizzle-orm/pg-core";
import type { Db } from "@/db/client";
import {
  accessRequests,
  approvals,
  type Cloud,
  type DecisionChannel,
  type GrantEvidence,
  type GrantStatus,
  grants,
  type RequestStatus,
  type Risk,
  targets,
  taskTemplates,
  users,
  type Verdict,
} from "@/db/schema";
import type { Catalog } from "@/lib/catalog/catalog";
import { loadOrgCatalog } from "@/lib/catalog/load";
import { NotFound } from "@/lib/errors";
import { requestRisk } from "./role-source";

/** Plain, JSON-safe shapes handed to every transport (dates are ISO strings). */
export type UserRef = { id: string; email: string; name: string | null };

export type GrantDto = {
  id: string;
  requestId: string;
  status: GrantStatus;
  user: UserRef;
  target: { id: string; name: string; cloud: Cloud };
  roleName: string;
  roleDocument: Record<string, unknown>;
  permissions: string[];
  resource: string | null;
  durationMinutes: number;
  expiresAt: string | null;
  activatedAt: string | null;
  revokedAt: string | null;
  revokeReason: string | null;
  lastError: string | null;
  evidence: GrantEvidence;
};

export type ApprovalDto = {
  approverId: string;
  approverName: string;
  verdict: Verdict;
  comment: string | null;
  channel: DecisionChannel;
  createdAt: string;
};

export type RequestDto = {
  id: string;
  status: RequestStatus;
  requester: UserRef;
  target: { id: string; name: string; cloud: Cloud; externalId: string };
  /** Null when the request lists its own permissions. */
  template: { id: string; key: string; name: string; risk: Risk; version: number } | null;
  /** Explicit permissions (expanded catalog names); null when the request names a template. */
  permissions: string[] | null;
  /** The template's risk, or for explicit permissions the highest catalog risk among them. */
  risk: Risk;
  resource: string | null;
  durationMinutes: number;
  justification: string;
  ticketUrl: string | null;
  approvalsRequired: number;
  approverGroup: string;
  /** Every target of the request (multi-target: one grant each); `target` is the first. */
  targetIds: string[];
  /** What the policy decided at submission (null on requests older than the policy engine). */
  policy: {
    version: number;
    ruleIds: string[];
    approverGroups: string[];
    automatic: { ruleIds: string[]; conditions: string[] } | null;
    stepUp: boolean;
  } | null;
  /** Break-glass: self-activated, to be reviewed by someone else before dueAt. */
  breakGlass: { reviewDueAt: string | null; reviewedAt: string | null; escalatedAt: string | null } | null;
  /** An extension asked for past the policy's automatic limit: approving it extends this grant. */
  extendsGrantId: string | null;
  approvals: ApprovalDto[];
  grants: GrantDto[];
  createdAt: string;
  decidedAt: string | null;
};

const iso = (d: Date | null) => (d ? d.toISOString() : null);
/** Postgres JSON carries timestamps as text (its own format, with microseconds): read them as drivers do. */
const jsonDate = (s: string | null) => (s === null ? null : new Date(s));
const userCols = { id: users.id, email: users.email, name: users.name };

const grantSelect = {
  g: grants,
  user: userCols,
  target: { id: targets.id, name: targets.name, cloud: targets.cloud },
};
/** The grant columns a GrantDto shows. */
type GrantFields = Pick<
  typeof grants.$inferSelect,
  | "id"
  | "requestId"
  | "status"
  | "roleSpec"
  | "durationSeconds"
  | "expiresAt"
  | "activatedAt"
  | "revokedAt"
  | "revokeReason"
  | "lastError"
  | "evidence"
>;
type GrantJoinRow = { g: GrantFields; user: UserRef; target: GrantDto["target"] };
type GrantTimes = "expiresAt" | "activatedAt" | "revokedAt";
/** A GrantJoinRow as the request query's JSON carries it: timestamps are text. */
type GrantJson = Omit<GrantJoinRow, "g"> & {
  g: Omit<GrantFields, GrantTimes> & Record<GrantTimes, string | null>;
};
type ApprovalJson = Omit<ApprovalDto, "approverName"> & { approver: UserRef };

/** The grant DTO of a grant with its user and target; also used for the grants the request query aggregates. */
function toGrantDto({ g, user, target }: GrantJoinRow): GrantDto {
  return {
    id: g.id,
    requestId: g.requestId,
    status: g.status,
    user,
    target,
    roleName: g.roleSpec.roleName,
    roleDocument: g.roleSpec.document,
    permissions: g.roleSpec.permissions,
    resource: g.roleSpec.resource,
    durationMinutes: Math.round(g.durationSeconds / 60),
    expiresAt: iso(g.expiresAt),
    activatedAt: iso(g.activatedAt),
    revokedAt: iso(g.revokedAt),
    revokeReason: g.revokeReason,
    lastError: g.lastError,
    evidence: g.evidence,
  };
}

/** Grants by id, in this org; one query for the whole page. */
async function selectGrants(db: Db, orgId: string, ids: string[]) {
  return db
    .select(grantSelect)
    .from(grants)
    .innerJoin(users, eq(users.id, grants.userId))
    .innerJoin(targets, eq(targets.id, grants.targetId))
    .where(and(eq(grants.orgId, orgId), inArray(grants.id, ids)))
    .orderBy(asc(grants.createdAt), asc(grants.id));
}

/** Grant DTOs for ids in this org, in the order of `ids`; unknown ids are left out. */
export async function loadGrantDtos(db: Db, orgId: string, ids: string[]): Promise<GrantDto[]> {
  if (ids.length === 0) return [];
  const rows = await selectGrants(db, orgId, ids);
  const byId = new Map(rows.map((r) => [r.g.id, toGrantDto(r)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export async function loadGrantDto(db: Db, orgId: string, id: string): Promise<GrantDto> {
  const [dto] = await loadGrantDtos(db, orgId, [id]);
  if (!dto) throw NotFound("Grant");
  return dto;
}

// The request's own joins (users, targets) are in scope inside the correlated subqueries: aliases keep them apart.
const approver = alias(users, "approver");
const grantUser = alias(users, "grant_user");
const grantTarget = alias(targets, "grant_target");

const jsonUser = (u: Record<"id" | "email" | "name", AnyColumn>) =>
  sql`json_build_object('id', ${u.id}, 'email', ${u.email}, 'name', ${u.name})`;

/** The request's approvals, oldest first, as a JSON array (`[]` when none): a correlated subquery. */
function approvalsJson(db: Db): SQL<ApprovalJson[]> {
  const list = db
    .select({
      list: sql`json_agg(json_build_object(
        'approverId', ${approvals.approverId}, 'approver', ${jsonUser(approver)},
        'verdict', ${approvals.verdict}, 'comment', ${approvals.comment}, 'channel', ${approvals.channel},
        'createdAt', ${approvals.createdAt}
      ) order by ${approvals.createdAt}, ${approvals.id})`,
    })
    .from(approvals)
    .innerJoin(approver, eq(approver.id, approvals.approverId))
    .where(and(eq(approvals.requestId, accessRequests.id), eq(approvals.orgId, accessRequests.orgId)));
  return sql<ApprovalJson[]>`coalesce((${list}), '[]')`;
}

/** The request's grants, oldest first, as a JSON array of GrantJson (`[]` when none): a correlated subquery. */
function grantsJson(db: Db): SQL<GrantJson[]> {
  const list = db
    .select({
      list: sql`json_agg(json_build_object(
        'g', json_build_object(
          'id', ${grants.id}, 'requestId', ${grants.requestId}, 'status', ${grants.status},
          'roleSpec', ${grants.roleSpec}, 'durationSeconds', ${grants.durationSeconds},
          'expiresAt', ${grants.expiresAt}, 'activatedAt', ${grants.activatedAt}, 'revokedAt', ${grants.revokedAt},
          'revokeReason', ${grants.revokeReason}, 'lastError', ${grants.lastError}, 'evidence', ${grants.evidence}
        ),
        'user', ${jsonUser(grantUser)},
        'target', json_build_object('id', ${grantTarget.id}, 'name', ${grantTarget.name}, 'cloud', ${grantTarget.cloud})
      ) order by ${grants.createdAt}, ${grants.id})`,
    })
    .from(grants)
    .innerJoin(grantUser, eq(grantUser.id, grants.userId))
    .innerJoin(grantTarget, eq(grantTarget.id, grants.targetId))
    .where(and(eq(grants.requestId, accessRequests.id), eq(grants.orgId, accessRequests.orgId)));
  return sql<GrantJson[]>`coalesce((${list}), '[]')`;
}

function requestFields(db: Db) {
  return {
    r: accessRequests,
    requester: userCols,
    target: { id: targets.id, name: targets.name, cloud: targets.cloud, externalId: targets.externalId },
    template: {
      id: taskTemplates.id,
      key: taskTemplates.key,
      name: taskTemplates.name,
      risk: taskTemplates.risk,
      version: taskTemplates.version,
    },
    approvals: approvalsJson(db),
    grants: grantsJson(db),
  };
}

/**
 * The one request query: each request with its requester, target and template, and its approvals and grants
 * as JSON arrays from correlated subqueries, so a whole page of DTOs is a single round trip. Callers add the
 * where, order and limit (a list page filters and limits here directly), plus any `extra` columns they need
 * beside the DTO; turn the rows into DTOs with toRequestDtos.
 */
export function selectRequestRows<E extends SelectedFields>(db: Db, extra: E) {
  return db
    .select({ ...requestFields(db), ...extra })
    .from(accessRequests)
    .innerJoin(users, eq(users.id, accessRequests.requesterId))
    .innerJoin(targets, eq(targets.id, accessRequests.targetId))
    .leftJoin(taskTemplates, eq(taskTemplates.id, accessRequests.templateId));
}

/** A row of selectRequestRows without extras: what toRequestDtos reads. */
type RequestJoinRow = Awaited<ReturnType<typeof selectRequestRows<Record<never, never>>>>[number];

/**
 * DTOs of selectRequestRows rows, in row order. The catalog is read only when a row lists its own permissions
 * (loadOrgCatalog caches per org but still asks for the latest version): a caller that holds it passes it.
 */
export async function toRequestDtos(
  db: Db,
  orgId: string,
  rows: RequestJoinRow[],
  orgCatalog?: Catalog,
): Promise<RequestDto[]> {
  const explicit = rows.some((x) => x.r.permissions);
  const catalog = explicit ? (orgCatalog ?? (await loadOrgCatalog(db, orgId))) : null;
  return rows.map((row) =>
    toRequestDto(row, requestRisk(catalog, row.target.cloud, row.template, row.r.permissions)),
  );
}

function toRequestDto(row: RequestJoinRow, risk: Risk): RequestDto {
  const { r, requester, target, template } = row;
  return {
    id: r.id,
    status: r.status,
    requester,
    target,
    template,
    permissions: r.permissions,
    risk,
    resource: r.resource,
    durationMinutes: Math.round(r.durationSeconds / 60),
    justification: r.justification,
    ticketUrl: r.ticketUrl,
    approvalsRequired: r.approvalsRequired,
    approverGroup: r.approverGroup,
    targetIds: r.targetIds.length > 0 ? r.targetIds : [r.targetId],
    policy: r.policyOutcome
      ? {
          version: r.policyOutcome.policyVersion,
          ruleIds: r.policyOutcome.ruleIds,
          approverGroups: r.policyOutcome.decision.approverGroups,
          automatic: r.policyOutcome.autoApproveReason,
          stepUp: r.policyOutcome.stepUp,
        }
      : null,
    breakGlass: r.breakGlass
      ? {
          reviewDueAt: iso(r.reviewDueAt),
          reviewedAt: iso(r.reviewedAt),
          escalatedAt: iso(r.reviewEscalatedAt),
        }
      : null,
    extendsGrantId: r.extendsGrantId,
    approvals: row.approvals.map(toApprovalDto),
    grants: row.grants.map(fromGrantJson),
    createdAt: r.createdAt.toISOString(),
    decidedAt: iso(r.decidedAt),
  };
}

/** toGrantDto over the JSON form, so both paths share one mapping (roleSpec fields, rounding, dates). */
function fromGrantJson({ g, user, target }: GrantJson): GrantDto {
  const times = {
    expiresAt: jsonDate(g.expiresAt),
    activatedAt: jsonDate(g.activatedAt),
    revokedAt: jsonDate(g.revokedAt),
  };
  return toGrantDto({ g: { ...g, ...times }, user, target });
}

function toApprovalDto({
  approverId,
  approver,
  verdict,
  comment,
  channel,
  createdAt,
}: ApprovalJson): ApprovalDto {
  return {
    approverId,
    approverName: approver.name ?? approver.email,
    verdict,
    comment,
    channel,
    createdAt: new Date(createdAt).toISOString(),
  };
}

/** Request DTOs for ids in this org, in the order of `ids`: one query whatever the page size. */
export async function loadRequestDtos(db: Db, orgId: string, ids: string[]): Promise<RequestDto[]> {
  if (ids.length === 0) return [];
  const rows = await selectRequestRows(db, {}).where(
    and(eq(accessRequests.orgId, orgId), inArray(accessRequests.id, ids)),
  );
  const byId = new Map((await toRequestDtos(db, orgId, rows)).map((d) => [d.id, d]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export async function loadRequestDto(db: Db, orgId: string, id: string): Promise<RequestDto> {
  const [dto] = await loadRequestDtos(db, orgId, [id]);
  if (!dto) throw NotFound("Request");
  return dto;
}
