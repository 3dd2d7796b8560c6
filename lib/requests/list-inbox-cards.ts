import { and, desc, eq, ne, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Db } from "@/db/client";
import { preparedPerDb } from "@/db/prepared";
import {
  accessRequests,
  approvals,
  type Cloud,
  type CloudPermissions,
  type RequestStatus,
  type Risk,
  targets,
  taskTemplates,
  users,
} from "@/db/schema";
import type { Catalog } from "@/lib/catalog/catalog";
import { loadOrgCatalog } from "@/lib/catalog/load";
import type { RiskTag } from "@/lib/catalog/types";
import type { Ctx } from "@/lib/ctx";
import { decidableBy, type InboxItem, inboxParams } from "./list-inbox";
import { roleWithRisk } from "./role-preview";
import { requestRisk, roleSourceOf } from "./role-source";
import type { ListInboxInput } from "./schemas";

type HistoryEntry = {
  id: string;
  status: RequestStatus;
  templateName: string;
  targetName: string;
  createdAt: string;
};

/**
 * What an inbox card shows, and no more: the page sends every card to the browser (and polls for them), so
 * ids, role documents and grants the card never shows stay on the server. The API's listInbox has the rest.
 */
export type InboxCard = Pick<
  InboxItem,
  | "id"
  | "permissions"
  | "risk"
  | "resource"
  | "durationMinutes"
  | "justification"
  | "ticketUrl"
  | "approvalsRequired"
  | "createdAt"
  | "extendsGrantId"
> & {
  requester: { name: string | null; email: string };
  target: { name: string; cloud: Cloud };
  template: { name: string } | null;
  /** Approvals so far; a pending request has no denial (the first one decides it). */
  approvalCount: number;
  permissionCount: number;
  riskTags: RiskTag[];
  /** The requester's most recent other requests, newest first (at most 5). */
  history: HistoryEntry[];
};

const HISTORY = 5;

export { INBOX_PAGE_SIZE } from "./inbox-limits";

/**
 * A template's per-cloud permission lists, read beside each inbox row for its role preview. Only a template of
 * the request's own org counts (null otherwise, and for explicit permissions): no preview of another org's.
 */
const templatePermissions = sql<CloudPermissions | null>`case
  when ${taskTemplates.orgId} = ${accessRequests.orgId} then ${taskTemplates.permissions}
end`;

/**
 * The approver inbox with what a decision needs: permission count and risk tags of the role the grant will
 * create, and each requester's recent requests. Authorization is listInbox's: the same filter (decidableBy)
 * and checks (inboxParams); only the columns differ, because a card shows less than a request DTO.
 */
export async function listInboxCards({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ListInboxInput;
}): Promise<{ items: InboxCard[]; more: boolean }> {
  const params = inboxParams(ctx, input);
  if (!params) return { items: [], more: false };
  // One row past the limit says whether older requests wait beyond the cards shown.
  const [fetched, catalog] = await Promise.all([
    inboxCardsQuery(ctx.db).execute({ ...params, limit: params.limit + 1 }),
    loadOrgCatalog(ctx.db, ctx.orgId),
  ]);
  const cards = fetched.slice(0, params.limit).map((row): InboxCard => {
    const { templatePermissions: permissionsOfTemplate, durationSeconds, target, template, ...rest } = row;
    const role = roleSummary(catalog, row, permissionsOfTemplate);
    return {
      ...rest,
      target: { name: target.name, cloud: target.cloud },
      template: template && { name: template.name },
      risk: requestRisk(catalog, target.cloud, template, row.permissions),
      durationMinutes: Math.round(durationSeconds / 60),
      createdAt: row.createdAt.toISOString(),
      permissionCount: role?.permissionCount ?? 0,
      riskTags: role?.riskTags ?? [],
    };
  });
  return { items: cards, more: fetched.length > params.limit };
}

// The request's own tables are in scope inside the correlated subquery: aliases keep them apart.
const earlier = alias(accessRequests, "earlier");
const earlierTemplate = alias(taskTemplates, "earlier_template");
const earlierTarget = alias(targets, "earlier_target");

/**
 * The requester's HISTORY most recent other requests, newest first, as a JSON array of HistoryEntry: a
 * correlated subquery that walks requests_requester_idx and stops after HISTORY rows.
 */
function recentOthersJson(db: Db): SQL<HistoryEntry[]> {
  const recent = db
    .select({
      id: earlier.id,
      status: earlier.status,
      createdAt: earlier.createdAt,
      // Explicit permissions have no template: the same label the pages show.
      templateName:
        sql<string>`coalesce(${earlierTemplate.name}, 'Custom permissions (' || jsonb_array_length(${earlier.permissions}) || ')')`.as(
          "template_name",
        ),
      targetName: sql<string>`${earlierTarget.name}`.as("target_name"),
    })
    .from(earlier)
    .leftJoin(earlierTemplate, eq(earlierTemplate.id, earlier.templateId))
    .innerJoin(earlierTarget, eq(earlierTarget.id, earlier.targetId))
    .where(
      and(
        eq(earlier.orgId, accessRequests.orgId),
        eq(earlier.requesterId, accessRequests.requesterId),
        ne(earlier.id, accessRequests.id),
      ),
    )
    .orderBy(desc(earlier.createdAt), desc(earlier.id))
    .limit(HISTORY)
    .as("recent");
  // Timestamps as the DTOs carry them (UTC ISO with milliseconds), whatever the session's time zone.
  return sql<HistoryEntry[]>`(select coalesce(json_agg(json_build_object(
      'id', ${recent.id}, 'status', ${recent.status},
      'templateName', ${recent.templateName}, 'targetName', ${recent.targetName},
      'createdAt', to_char(${recent.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
    ) order by ${recent.createdAt} desc, ${recent.id} desc), '[]'::json) from ${recent})`;
}

/**
 * The inbox as cards, built once per database handle: inboxQuery's filter, order and limit over only the
 * columns a card shows. No approvals or grants lists (a pending request has no grants, and a card shows the
 * number of approvals): on PGlite, planning the DTO query's two extra subqueries cost more than running it.
 */
const inboxCardsQuery = preparedPerDb((db) =>
  db
    .select({
      id: accessRequests.id,
      permissions: accessRequests.permissions,
      resource: accessRequests.resource,
      resourceKind: accessRequests.resourceKind,
      durationSeconds: accessRequests.durationSeconds,
      justification: accessRequests.justification,
      ticketUrl: accessRequests.ticketUrl,
      extendsGrantId: accessRequests.extendsGrantId,
      approvalsRequired: accessRequests.approvalsRequired,
      createdAt: accessRequests.createdAt,
      requester: { name: users.name, email: users.email },
      target: { id: targets.id, name: targets.name, cloud: targets.cloud, externalId: targets.externalId },
      template: {
        name: taskTemplates.name,
        risk: taskTemplates.risk,
        placeholders: taskTemplates.placeholders,
      },
      templatePermissions,
      approvalCount: sql<number>`(select count(*) from ${approvals}
        where ${approvals.requestId} = ${accessRequests.id} and ${approvals.orgId} = ${accessRequests.orgId}
          and ${approvals.verdict} = 'approve')`.mapWith(Number),
      history: recentOthersJson(db),
    })
    .from(accessRequests)
    .innerJoin(users, eq(users.id, accessRequests.requesterId))
    .innerJoin(targets, eq(targets.id, accessRequests.targetId))
    .leftJoin(taskTemplates, eq(taskTemplates.id, accessRequests.templateId))
    .where(decidableBy(db, sql.placeholder("orgId"), sql.placeholder("userId")))
    .orderBy(desc(accessRequests.createdAt), desc(accessRequests.id))
    .limit(sql.placeholder("limit"))
    .prepare("inbox_cards"),
);

type RoleSummary = { permissionCount: number; riskTags: RiskTag[] };
/** What the role of a card's request depends on, besides its template's permissions. */
type RoleInputs = {
  target: { id: string; name: string; cloud: Cloud; externalId: string };
  template: { risk: Risk; placeholders: string[] } | null;
  permissions: string[] | null;
  resource: string | null;
  resourceKind: string | null;
};

/**
 * Role summaries by catalog, then by everything the role depends on. Many pending requests share a
 * template, target and resource, and the inbox is polled: each distinct role is built once, not on every
 * load. A new catalog version is a new Catalog object, so its summaries start afresh (the old map goes with
 * the old catalog); a changed template or target changes the key.
 */
const summaries = new WeakMap<Catalog, Map<string, RoleSummary | null>>();
const MAX_SUMMARIES = 2_000;

/** Permission count and risk tags of the role a grant for this item would create (previewRole's). */
function roleSummary(
  catalog: Catalog,
  item: RoleInputs,
  permissions: CloudPermissions | null,
): RoleSummary | null {
  const template =
    item.template && permissions
      ? { risk: item.template.risk, placeholders: item.template.placeholders, permissions }
      : null;
  if (!template && !item.permissions) return null;
  const source = roleSourceOf(item.target.cloud, template, item.permissions, item.resourceKind);
  const key = JSON.stringify([
    item.target.cloud,
    item.target.externalId,
    item.resource,
    source.resourceKind,
    source.kind,
    source.risk,
    source.permissions,
  ]);
  let byKey = summaries.get(catalog);
  if (!byKey) {
    byKey = new Map();
    summaries.set(catalog, byKey);
  }
  if (byKey.has(key)) return byKey.get(key) ?? null;
  let summary: RoleSummary | null;
  try {
    const role = roleWithRisk(item.target, source, item.resource, catalog);
    summary = { permissionCount: role.permissions.length, riskTags: role.riskTags };
  } catch {
    summary = null; // a role that cannot be built shows no count; deciding reports why
  }
  if (byKey.size >= MAX_SUMMARIES) byKey.clear();
  byKey.set(key, summary);
  return summary;
}
