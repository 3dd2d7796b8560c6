import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { accessRequests, grants, groups, memberships, targets, taskTemplates, users } from "@/db/schema";
import { NotFound } from "@/lib/errors";

// An id that is not a uuid can never exist; answering NotFound avoids a Postgres cast error (a 500).
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Lock = { lock?: boolean };

export type RequestRow = typeof accessRequests.$inferSelect;
export type GrantRow = typeof grants.$inferSelect;
export type TargetRow = typeof targets.$inferSelect;
export type TemplateRow = typeof taskTemplates.$inferSelect;

/** The request, in this org only. `lock` takes the row lock so concurrent decisions serialise. */
export async function getRequestInOrgOrThrow(tx: Db, orgId: string, id: string, opts: Lock = {}) {
  if (!UUID.test(id)) throw NotFound("Request");
  const q = tx
    .select()
    .from(accessRequests)
    .where(and(eq(accessRequests.id, id), eq(accessRequests.orgId, orgId)));
  const [row] = opts.lock ? await q.for("update") : await q;
  if (!row) throw NotFound("Request");
  return row;
}

export async function getGrantInOrgOrThrow(tx: Db, orgId: string, id: string, opts: Lock = {}) {
  if (!UUID.test(id)) throw NotFound("Grant");
  const q = tx
    .select()
    .from(grants)
    .where(and(eq(grants.id, id), eq(grants.orgId, orgId)));
  const [row] = opts.lock ? await q.for("update") : await q;
  if (!row) throw NotFound("Grant");
  return row;
}

export async function getTargetInOrgOrThrow(tx: Db, orgId: string, id: string) {
  if (!UUID.test(id)) throw NotFound("Target");
  const [row] = await tx
    .select()
    .from(targets)
    .where(and(eq(targets.id, id), eq(targets.orgId, orgId)));
  if (!row) throw NotFound("Target");
  return row;
}

export async function getTemplateInOrgOrThrow(tx: Db, orgId: string, id: string) {
  if (!UUID.test(id)) throw NotFound("Template");
  const [row] = await tx
    .select()
    .from(taskTemplates)
    .where(and(eq(taskTemplates.id, id), eq(taskTemplates.orgId, orgId)));
  if (!row) throw NotFound("Template");
  return row;
}

/** The org's active policy (lib/policies owns policies; re-exported for the request verbs). */
export { getActivePolicy } from "@/lib/policies/queries";

/**
 * Is the user, enabled, a member of the named group right now? Read from the database at the moment of
 * use, so a removal from the group applies at once (not at the next sign-in).
 */
export async function isGroupMember(tx: Db, orgId: string, userId: string, groupName: string) {
  const rows = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .innerJoin(groups, eq(groups.id, memberships.groupId))
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.orgId, orgId),
        eq(groups.orgId, orgId),
        eq(memberships.userId, userId),
        eq(groups.name, groupName),
        isNull(users.disabledAt),
      ),
    )
    .limit(1);
  return rows.length > 0;
}
