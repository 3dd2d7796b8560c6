import { and, desc, eq, inArray, type SQL, sql } from "drizzle-orm";
import { preparedPerShape } from "@/db/prepared";
import {
  accessRequests,
  type Cloud,
  type GrantStatus,
  grants,
  targets,
  taskTemplates,
  users,
} from "@/db/schema";
import { findUserByEmail } from "@/lib/auth/org";
import { assertPermission, type Ctx } from "@/lib/ctx";
import { parseInput, Validation } from "@/lib/errors";
import { LIVE_GRANT_STATUSES } from "@/lib/grants/grant-state";
import { afterCursorPlaceholders, cursorParams, keysetText, page } from "@/lib/requests/cursor";
import { ListActiveGrantsInput } from "./schemas";

/** One row of the admin grants table: what is live, for whom, on what, until when. */
export type AdminGrantRow = {
  id: string;
  requestId: string;
  status: GrantStatus;
  user: { id: string; email: string; name: string | null };
  target: { id: string; name: string; cloud: Cloud };
  /** Null for a request that listed its own permissions. */
  template: { id: string; name: string; risk: string } | null;
  roleName: string;
  permissionCount: number;
  activatedAt: string | null;
  expiresAt: string | null;
  lastError: string | null;
};

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * Live grants across the org (needs grants.read.all), newest first, one keyset page at a time, filtered
 * by target, user (by id or email) or template. One query with narrow columns: this page must stay fast with thousands.
 */
export async function listActiveGrants({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ListActiveGrantsInput;
}): Promise<{ items: AdminGrantRow[]; nextCursor: string | null }> {
  assertPermission(ctx, "grants.read.all");
  const {
    targetId,
    userId: byId,
    userEmail,
    templateId,
    limit,
    cursor,
  } = parseInput(ListActiveGrantsInput, input);
  const userId = userEmail ? (await personByEmail(ctx, userEmail)).id : byId;
  const after = cursorParams(cursor);
  const rows = await activeGrantsQuery(ctx.db, {
    target: Boolean(targetId),
    user: Boolean(userId),
    template: Boolean(templateId),
    cursor: Boolean(cursor),
  }).execute({
    orgId: ctx.orgId,
    targetId: targetId ?? null,
    userId: userId ?? null,
    templateId: templateId ?? null,
    ...after,
    limit: limit + 1,
  });
  const { items, nextCursor } = page(rows, limit);
  return {
    items: items.map((r) => ({
      id: r.id,
      requestId: r.requestId,
      status: r.status,
      user: r.user,
      target: r.target,
      template: r.template,
      roleName: r.roleName,
      permissionCount: r.permissionCount,
      activatedAt: iso(r.activatedAt),
      expiresAt: iso(r.expiresAt),
      lastError: r.lastError,
    })),
    nextCursor,
  };
}

/** The org's person with this email (any case), or a validation error naming the field. */
async function personByEmail(ctx: Ctx, email: string) {
  const person = await findUserByEmail(ctx.db, ctx.orgId, email);
  if (!person) throw Validation("userEmail", `nobody in this organization has the email ${email}`);
  return person;
}

/** One page of live grants; the filters present choose the prepared query (see preparedPerShape). */
const activeGrantsQuery = preparedPerShape(
  (db, shape: { target: boolean; user: boolean; template: boolean; cursor: boolean }) => {
    const filters: SQL[] = [
      eq(grants.orgId, sql.placeholder("orgId")),
      inArray(grants.status, [...LIVE_GRANT_STATUSES]),
    ];
    if (shape.target) filters.push(eq(grants.targetId, sql.placeholder("targetId")));
    if (shape.user) filters.push(eq(grants.userId, sql.placeholder("userId")));
    if (shape.template) filters.push(eq(accessRequests.templateId, sql.placeholder("templateId")));
    if (shape.cursor) filters.push(afterCursorPlaceholders(grants.createdAt, grants.id));
    return db
      .select({
        id: grants.id,
        keyset: keysetText(grants.createdAt),
        requestId: grants.requestId,
        status: grants.status,
        // Two fields of the role document, not the whole document: rows stay small.
        roleName: sql<string>`${grants.roleSpec}->>'roleName'`,
        permissionCount: sql<number>`jsonb_array_length(${grants.roleSpec}->'permissions')`.mapWith(Number),
        activatedAt: grants.activatedAt,
        expiresAt: grants.expiresAt,
        lastError: grants.lastError,
        user: { id: users.id, email: users.email, name: users.name },
        target: { id: targets.id, name: targets.name, cloud: targets.cloud },
        template: { id: taskTemplates.id, name: taskTemplates.name, risk: taskTemplates.risk },
      })
      .from(grants)
      .innerJoin(accessRequests, eq(accessRequests.id, grants.requestId))
      .innerJoin(users, eq(users.id, grants.userId))
      .innerJoin(targets, eq(targets.id, grants.targetId))
      .leftJoin(taskTemplates, eq(taskTemplates.id, accessRequests.templateId))
      .where(and(...filters))
      .orderBy(desc(grants.createdAt), desc(grants.id))
      .limit(sql.placeholder("limit"))
      .prepare("active_grants_page");
  },
);
