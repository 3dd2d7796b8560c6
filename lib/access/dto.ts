import { and, asc, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import {
  accessRequests,
  approvals,
  type Cloud,
  type GrantEvidence,
  type GrantStatus,
  grants,
  type RequestStatus,
  type Risk,
  targets,
  taskTemplates,
  users,
} from "@/db/schema";
import { loadOrgCatalog } from "@/lib/catalog/load";
import { NotFound } from "@/lib/errors";
import { catalogRisk } from "./role-source";

type RequestRow = typeof accessRequests.$inferSelect;

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
  verdict: "approve" | "deny";
  comment: string | null;
  channel: "web" | "slack" | "api";
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
  approvals: ApprovalDto[];
  grants: GrantDto[];
  createdAt: string;
  decidedAt: string | null;
};

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const userCols = { id: users.id, email: users.email, name: users.name };

const grantSelect = {
  g: grants,
  user: userCols,
  target: { id: targets.id, name: targets.name, cloud: targets.cloud },
};
type GrantJoinRow = { g: typeof grants.$inferSelect; user: UserRef; target: GrantDto["target"] };

export function toGrantDto({ g, user, target }: GrantJoinRow): GrantDto {
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

/** Grants by id or by request, in this org; one query for the whole page. */
async function selectGrants(db: Db, orgId: string, by: { ids: string[] } | { requestIds: string[] }) {
  const filter = "ids" in by ? inArray(grants.id, by.ids) : inArray(grants.requestId, by.requestIds);
  return db
    .select(grantSelect)
    .from(grants)
    .innerJoin(users, eq(users.id, grants.userId))
    .innerJoin(targets, eq(targets.id, grants.targetId))
    .where(and(eq(grants.orgId, orgId), filter))
    .orderBy(asc(grants.createdAt), asc(grants.id));
}

/** Grant DTOs for ids in this org, in the order of `ids`; unknown ids are left out. */
export async function loadGrantDtos(db: Db, orgId: string, ids: string[]): Promise<GrantDto[]> {
  if (ids.length === 0) return [];
  const rows = await selectGrants(db, orgId, { ids });
  const byId = new Map(rows.map((r) => [r.g.id, toGrantDto(r)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export async function loadGrantDto(db: Db, orgId: string, id: string): Promise<GrantDto> {
  const [dto] = await loadGrantDtos(db, orgId, [id]);
  if (!dto) throw NotFound("Grant");
  return dto;
}

/** Request DTOs for ids in this org, in the order of `ids`: three queries whatever the page size. */
export async function loadRequestDtos(db: Db, orgId: string, ids: string[]): Promise<RequestDto[]> {
  if (ids.length === 0) return [];
  const [rows, approvalRows, grantRows] = await Promise.all([
    db
      .select({
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
      })
      .from(accessRequests)
      .innerJoin(users, eq(users.id, accessRequests.requesterId))
      .innerJoin(targets, eq(targets.id, accessRequests.targetId))
      .leftJoin(taskTemplates, eq(taskTemplates.id, accessRequests.templateId))
      .where(and(eq(accessRequests.orgId, orgId), inArray(accessRequests.id, ids))),
    db
      .select({ a: approvals, approver: userCols })
      .from(approvals)
      .innerJoin(users, eq(users.id, approvals.approverId))
      .where(and(eq(approvals.orgId, orgId), inArray(approvals.requestId, ids)))
      .orderBy(asc(approvals.createdAt), asc(approvals.id)),
    selectGrants(db, orgId, { requestIds: ids }),
  ]);
  // The catalog is read only when a row lists its own permissions (it is cached per org).
  const catalog = rows.some((x) => x.r.permissions) ? await loadOrgCatalog(db, orgId) : null;
  const riskOf = (r: RequestRow, cloud: Cloud, template: { risk: Risk } | null): Risk =>
    template?.risk ?? (catalog && r.permissions ? catalogRisk(catalog, cloud, r.permissions) : "high");
  const approvalsBy = groupBy(approvalRows, (x) => x.a.requestId);
  const grantsBy = groupBy(grantRows, (x) => x.g.requestId);
  const byId = new Map(
    rows.map(({ r, requester, target, template }): [string, RequestDto] => [
      r.id,
      {
        id: r.id,
        status: r.status,
        requester,
        target,
        template,
        permissions: r.permissions,
        risk: riskOf(r, target.cloud, template),
        resource: r.resource,
        durationMinutes: Math.round(r.durationSeconds / 60),
        justification: r.justification,
        ticketUrl: r.ticketUrl,
        approvalsRequired: r.approvalsRequired,
        approverGroup: r.approverGroup,
        approvals: (approvalsBy.get(r.id) ?? []).map(({ a, approver }) => ({
          approverId: a.approverId,
          approverName: approver.name ?? approver.email,
          verdict: a.verdict,
          comment: a.comment,
          channel: a.channel,
          createdAt: a.createdAt.toISOString(),
        })),
        grants: (grantsBy.get(r.id) ?? []).map(toGrantDto),
        createdAt: r.createdAt.toISOString(),
        decidedAt: iso(r.decidedAt),
      },
    ]),
  );
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export async function loadRequestDto(db: Db, orgId: string, id: string): Promise<RequestDto> {
  const [dto] = await loadRequestDtos(db, orgId, [id]);
  if (!dto) throw NotFound("Request");
  return dto;
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
