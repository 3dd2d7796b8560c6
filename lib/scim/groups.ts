import { and, asc, eq, inArray, isNull, ne, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { groups, memberships, scimGroups, scimUsers, users } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import type { Ctx } from "@/lib/ctx";
import { invalidValue, scimNotFound, uniqueness } from "./errors";
import { applyPatch } from "./patch";
import { GROUP_SCHEMA, PatchRequest, parseScim, ScimGroupInput } from "./schemas";
import type { ScimCall, ScimResource } from "./users";

type Row = {
  group: typeof groups.$inferSelect;
  scim: typeof scimGroups.$inferSelect;
  members: { id: string; email: string }[];
};

export const GROUP_RULES = { multi: new Set(["members"]), readOnly: new Set(["id", "meta"]) };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function groupResource(row: Row, base: string, withMembers = true): ScimResource {
  return {
    schemas: [GROUP_SCHEMA],
    id: row.group.id,
    ...(row.scim.externalId ? { externalId: row.scim.externalId } : {}),
    displayName: row.group.name,
    ...(withMembers
      ? {
          members: row.members.map((m) => ({ value: m.id, display: m.email, $ref: `${base}/Users/${m.id}` })),
        }
      : {}),
    meta: {
      resourceType: "Group",
      created: row.scim.createdAt.toISOString(),
      lastModified: row.scim.updatedAt.toISOString(),
      location: `${base}/Groups/${row.group.id}`,
      version: `W/"${row.scim.version}"`,
    },
  };
}

/** The org's directory groups with their members; `ids` narrows to those. */
export async function loadGroups(
  db: Db,
  orgId: string,
  ids?: string[],
  limit = 50_000,
  narrow?: SQL,
): Promise<Row[]> {
  if (ids && ids.length === 0) return [];
  const rows = await db
    .select({ group: groups, scim: scimGroups })
    .from(scimGroups)
    .innerJoin(groups, eq(groups.id, scimGroups.groupId))
    .where(and(eq(scimGroups.orgId, orgId), ids ? inArray(scimGroups.groupId, ids) : undefined, narrow))
    .orderBy(asc(scimGroups.createdAt), asc(scimGroups.groupId))
    .limit(limit);
  if (rows.length === 0) return [];
  const ms = await db
    .select({ groupId: memberships.groupId, id: users.id, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.orgId, orgId),
        inArray(
          memberships.groupId,
          rows.map((r) => r.group.id),
        ),
      ),
    )
    .orderBy(asc(users.email));
  const byGroup = new Map<string, { id: string; email: string }[]>();
  for (const m of ms)
    byGroup.set(m.groupId, [...(byGroup.get(m.groupId) ?? []), { id: m.id, email: m.email }]);
  return rows.map((r) => ({ ...r, members: byGroup.get(r.group.id) ?? [] }));
}

async function loadOne(db: Db, orgId: string, id: string): Promise<Row> {
  const [row] = UUID.test(id) ? await loadGroups(db, orgId, [id]) : [];
  if (!row) throw scimNotFound("Group", id);
  return row;
}

export async function getScimGroup({ ctx, base }: ScimCall, id: string): Promise<ScimResource> {
  return groupResource(await loadOne(ctx.db, ctx.orgId, id), base);
}

/**
 * POST /Groups. A group of that name the IdP's sign-in claims created already is adopted (same people,
 * same policies); a group defined in Elevate (source local) is never taken over: 409 uniqueness.
 */
export async function createScimGroup(call: ScimCall, body: unknown): Promise<ScimResource> {
  const { ctx } = call;
  const input = parseScim(ScimGroupInput, body);
  const id = await ctx.db.transaction(async (tx) => {
    const [existing] = await tx
      .select({ id: groups.id, source: groups.source, scim: scimGroups.groupId })
      .from(groups)
      .leftJoin(scimGroups, eq(scimGroups.groupId, groups.id))
      .where(and(eq(groups.orgId, ctx.orgId), eq(groups.name, input.displayName)))
      .for("update", { of: groups });
    if (existing && (existing.scim || existing.source !== "idp"))
      throw uniqueness(`displayName: a group named ${input.displayName} exists already`);
    const groupId =
      existing?.id ??
      (
        await tx
          .insert(groups)
          .values({ orgId: ctx.orgId, name: input.displayName, source: "idp" })
          .returning({ id: groups.id })
      )[0].id;
    await tx.insert(scimGroups).values({ groupId, orgId: ctx.orgId, externalId: input.externalId });
    await appendAudit(tx, ctx, {
      action: "scim.group_created",
      subjectType: "group",
      subjectId: groupId,
      data: { displayName: input.displayName, externalId: input.externalId, adopted: Boolean(existing) },
    });
    await setMembers(tx, ctx, groupId, input.displayName, memberIds(input));
    return groupId;
  });
  return getScimGroup(call, id);
}

export async function replaceScimGroup(call: ScimCall, id: string, body: unknown): Promise<ScimResource> {
  await loadOne(call.ctx.db, call.ctx.orgId, id);
  return saveGroup(call, id, parseScim(ScimGroupInput, body));
}

/**
 * PATCH /Groups/{id}: Okta adds and removes members one operation at a time (`members[value eq "…"]`),
 * Entra sends `Add`/`Remove` with value lists. Membership is what approver rights, request eligibility
 * and owner routing read at the moment of use, so the change applies at once.
 */
export async function patchScimGroup(
  call: ScimCall,
  id: string,
  body: unknown,
): Promise<ScimResource | null> {
  const request = parseScim(PatchRequest, body, true);
  const current = groupResource(await loadOne(call.ctx.db, call.ctx.orgId, id), call.base);
  const next = applyPatch(current, request, GROUP_RULES);
  return saveGroup(call, id, parseScim(ScimGroupInput, next));
}

async function saveGroup(call: ScimCall, id: string, input: ScimGroupInput): Promise<ScimResource> {
  const { ctx } = call;
  await ctx.db.transaction(async (tx) => {
    const [before] = await tx
      .select({ name: groups.name, version: scimGroups.version, externalId: scimGroups.externalId })
      .from(scimGroups)
      .innerJoin(groups, eq(groups.id, scimGroups.groupId))
      .where(and(eq(scimGroups.groupId, id), eq(scimGroups.orgId, ctx.orgId)))
      .for("update", { of: scimGroups });
    if (!before) throw scimNotFound("Group", id);
    if (before.name !== input.displayName) {
      const [clash] = await tx
        .select({ id: groups.id })
        .from(groups)
        .where(and(eq(groups.orgId, ctx.orgId), eq(groups.name, input.displayName), ne(groups.id, id)));
      if (clash) throw uniqueness(`displayName: a group named ${input.displayName} exists already`);
      await tx.update(groups).set({ name: input.displayName }).where(eq(groups.id, id));
      await appendAudit(tx, ctx, {
        action: "scim.group_renamed",
        subjectType: "group",
        subjectId: id,
        data: { from: before.name, to: input.displayName },
      });
    }
    await tx
      .update(scimGroups)
      .set({ externalId: input.externalId, version: before.version + 1, updatedAt: new Date() })
      .where(eq(scimGroups.groupId, id));
    await setMembers(tx, ctx, id, input.displayName, memberIds(input));
  });
  return getScimGroup(call, id);
}

export async function deleteScimGroup({ ctx }: ScimCall, id: string): Promise<void> {
  const row = await loadOne(ctx.db, ctx.orgId, id);
  await ctx.db.transaction(async (tx) => {
    await tx.delete(groups).where(and(eq(groups.id, id), eq(groups.orgId, ctx.orgId)));
    await appendAudit(tx, ctx, {
      action: "scim.group_deleted",
      subjectType: "group",
      subjectId: id,
      data: { displayName: row.group.name, members: row.members.map((m) => m.id) },
    });
  });
}

const memberIds = (g: ScimGroupInput) => [...new Set((g.members ?? []).map((m) => m.value))];

/** Makes the group's members exactly `wanted` (user ids of this org's directory users), audited. */
async function setMembers(tx: Db, ctx: Ctx, groupId: string, name: string, wanted: string[]) {
  const bad = wanted.find((v) => !UUID.test(v));
  if (bad !== undefined) throw invalidValue(`members: ${bad} is not a user of this directory`);
  const known = wanted.length
    ? await tx
        .select({ id: scimUsers.userId })
        .from(scimUsers)
        .where(
          and(eq(scimUsers.orgId, ctx.orgId), isNull(scimUsers.deletedAt), inArray(scimUsers.userId, wanted)),
        )
    : [];
  const knownIds = new Set(known.map((k) => k.id));
  const unknown = wanted.find((v) => !knownIds.has(v));
  if (unknown !== undefined) throw invalidValue(`members: ${unknown} is not a user of this directory`);
  const current = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.groupId, groupId), eq(memberships.orgId, ctx.orgId)));
  const have = new Set(current.map((c) => c.userId));
  const add = wanted.filter((u) => !have.has(u));
  const remove = [...have].filter((u) => !knownIds.has(u));
  if (add.length) {
    await tx
      .insert(memberships)
      .values(add.map((userId) => ({ orgId: ctx.orgId, groupId, userId })))
      .onConflictDoNothing();
  }
  if (remove.length) {
    await tx
      .delete(memberships)
      .where(and(eq(memberships.groupId, groupId), inArray(memberships.userId, remove)));
  }
  if (add.length || remove.length) {
    await appendAudit(tx, ctx, {
      action: "scim.group_members_changed",
      subjectType: "group",
      subjectId: groupId,
      data: { group: name, added: add.sort(), removed: remove.sort() },
    });
  }
}
