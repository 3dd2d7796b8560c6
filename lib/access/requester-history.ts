import { and, desc, eq, inArray, sql } from "drizzle-orm";
import {
  accessRequests,
  type CloudPermissions,
  type RequestStatus,
  targets,
  taskTemplates,
  users,
} from "@/db/schema";
import { loadOrgCatalog } from "@/lib/catalog/load";
import type { RiskTag } from "@/lib/catalog/types";
import type { Ctx } from "@/lib/ctx";
import { type InboxItem, inboxRows, toInboxItems } from "./list-inbox";
import { previewRole, type RolePreview } from "./role-preview";
import { roleSourceOf } from "./role-source";
import type { ListInboxInput } from "./schemas";

export type HistoryEntry = {
  id: string;
  status: RequestStatus;
  templateName: string;
  targetName: string;
  createdAt: string;
};

export type InboxCard = InboxItem & {
  permissionCount: number;
  riskTags: RiskTag[];
  /** The requester's most recent other requests, newest first (at most 5). */
  history: HistoryEntry[];
};

const HISTORY = 5;

export { INBOX_PAGE_SIZE } from "./limits";

/**
 * A template's per-cloud permission lists, read beside each inbox row for its role preview. Only a template of
 * the request's own org counts (null otherwise, and for explicit permissions): no preview of another org's.
 */
const templatePermissions = sql<CloudPermissions | null>`case
  when ${taskTemplates.orgId} = ${accessRequests.orgId} then ${taskTemplates.permissions}
end`;

/**
 * The approver inbox with what a decision needs: permission count and risk tags of the role the grant will
 * create, and each requester's recent requests. Authorization is listInbox's: only its requesters are read.
 */
export async function listInboxCards({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ListInboxInput;
}): Promise<{ items: InboxCard[] }> {
  // The templates' permissions come with the inbox's own query: no separate read of task_templates.
  const rows = await inboxRows({ ctx, input, extra: { templatePermissions } });
  if (rows.length === 0) return { items: [] };
  const [history, catalog] = await Promise.all([
    recentByRequester(ctx, [...new Set(rows.map((r) => r.requester.id))]),
    loadOrgCatalog(ctx.db, ctx.orgId),
  ]);
  const items = await toInboxItems(ctx, rows, catalog);
  // Many pending requests share a template, target and resource: build each distinct role once.
  const previews = new Map<string, Promise<RolePreview | null>>();
  const preview = (item: InboxItem, permissions: CloudPermissions | null) => {
    const template = item.template && permissions ? { risk: item.template.risk, permissions } : null;
    if (!template && !item.permissions) return Promise.resolve(null);
    const what = template ? item.template?.id : item.permissions?.join(",");
    const key = `${what}|${item.target.id}|${item.resource ?? ""}`;
    let p = previews.get(key);
    if (!p) {
      const source = roleSourceOf(item.target.cloud, template, item.permissions);
      p = previewRole(ctx, item.target, source, item.resource, catalog).catch(() => null);
      previews.set(key, p);
    }
    return p;
  };
  const cards = await Promise.all(
    items.map(async (item, i): Promise<InboxCard> => {
      const role = await preview(item, rows[i].templatePermissions);
      return {
        ...item,
        permissionCount: role?.permissions.length ?? 0,
        riskTags: role?.riskTags ?? [],
        history: (history.get(item.requester.id) ?? []).filter((h) => h.id !== item.id).slice(0, HISTORY),
      };
    }),
  );
  return { items: cards };
}

/** The last HISTORY + 1 requests of each requester, in one query (a LATERAL top-N per requester). */
async function recentByRequester(ctx: Ctx, requesterIds: string[]): Promise<Map<string, HistoryEntry[]>> {
  // A LATERAL top-N per requester walks requests_requester_idx and stops after HISTORY + 1 rows each,
  // instead of ranking every request of every requester (a window over thousands of rows).
  const people = ctx.db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.orgId, ctx.orgId), inArray(users.id, requesterIds)))
    .as("people");
  const recent = ctx.db
    .select({
      id: accessRequests.id,
      requesterId: accessRequests.requesterId,
      status: accessRequests.status,
      createdAt: accessRequests.createdAt,
      // Explicit permissions have no template: the same label the pages show.
      templateName:
        sql<string>`coalesce(${taskTemplates.name}, 'Custom permissions (' || jsonb_array_length(${accessRequests.permissions}) || ')')`.as(
          "template_name",
        ),
      targetName: sql<string>`${targets.name}`.as("target_name"),
    })
    .from(accessRequests)
    .leftJoin(taskTemplates, eq(taskTemplates.id, accessRequests.templateId))
    .innerJoin(targets, eq(targets.id, accessRequests.targetId))
    .where(and(eq(accessRequests.orgId, ctx.orgId), eq(accessRequests.requesterId, people.id)))
    .orderBy(desc(accessRequests.createdAt), desc(accessRequests.id))
    .limit(HISTORY + 1)
    .as("recent");
  const rows = await ctx.db
    .select({
      id: recent.id,
      requesterId: recent.requesterId,
      status: recent.status,
      createdAt: recent.createdAt,
      templateName: recent.templateName,
      targetName: recent.targetName,
    })
    .from(people)
    .crossJoinLateral(recent)
    .orderBy(recent.requesterId, desc(recent.createdAt), desc(recent.id));
  const out = new Map<string, HistoryEntry[]>();
  for (const r of rows) {
    const list = out.get(r.requesterId) ?? [];
    list.push({
      id: r.id,
      status: r.status,
      templateName: r.templateName,
      targetName: r.targetName,
      createdAt: new Date(r.createdAt).toISOString(),
    });
    out.set(r.requesterId, list);
  }
  return out;
}
