import { randomUUID } from "node:crypto";
import { and, asc, eq, inArray, isNull, ne, type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { groups, memberships, scimUsers, users } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { SCIM_SUBJECT_PREFIX } from "@/lib/auth/adapter";
import { disableUser } from "@/lib/auth/disable-user";
import type { Ctx } from "@/lib/ctx";
import { deprovisionPerson, reactivatePerson } from "./deprovision";
import { scimNotFound, uniqueness } from "./errors";
import { keyOf } from "./filter";
import { applyPatch } from "./patch";
import { emailOf, PatchRequest, parseScim, ScimUserInput, USER_SCHEMA } from "./schemas";

/** A SCIM call: the directory's context (system actor "directory") and the base URL for `meta.location`. */
export type ScimCall = { ctx: Ctx; base: string };
export type ScimResource = Record<string, unknown>;

type Row = {
  user: typeof users.$inferSelect;
  scim: typeof scimUsers.$inferSelect;
  groups: { id: string; name: string }[];
};

export const USER_RULES = {
  multi: new Set(["emails", "phonenumbers", "addresses", "groups", "roles", "entitlements", "ims", "photos"]),
  readOnly: new Set(["id", "meta", "groups"]),
};

export function userResource(row: Row, base: string): ScimResource {
  const { user, scim } = row;
  const name = { givenName: scim.givenName, familyName: scim.familyName };
  return {
    schemas: [USER_SCHEMA],
    id: user.id,
    ...(scim.externalId ? { externalId: scim.externalId } : {}),
    userName: scim.userName,
    ...(name.givenName || name.familyName ? { name: dropNulls(name) } : {}),
    ...(scim.displayName ? { displayName: scim.displayName } : {}),
    active: scim.active,
    emails: [{ value: user.email, type: "work", primary: true }],
    groups: row.groups.map((g) => ({ value: g.id, display: g.name, $ref: `${base}/Groups/${g.id}` })),
    meta: {
      resourceType: "User",
      created: scim.createdAt.toISOString(),
      lastModified: scim.updatedAt.toISOString(),
      location: `${base}/Users/${user.id}`,
      version: `W/"${scim.version}"`,
    },
  };
}

const dropNulls = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v != null));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The org's directory users (not deleted), with their groups; `ids` narrows to those. */
export async function loadUsers(
  db: Db,
  orgId: string,
  ids?: string[],
  limit = 50_000,
  narrow?: SQL,
): Promise<Row[]> {
  if (ids && ids.length === 0) return [];
  const rows = await db
    .select({ user: users, scim: scimUsers })
    .from(scimUsers)
    .innerJoin(users, eq(users.id, scimUsers.userId))
    .where(
      and(
        eq(scimUsers.orgId, orgId),
        isNull(scimUsers.deletedAt),
        ids ? inArray(scimUsers.userId, ids) : undefined,
        narrow,
      ),
    )
    .orderBy(asc(scimUsers.createdAt), asc(scimUsers.userId))
    .limit(limit);
  if (rows.length === 0) return [];
  const gs = await db
    .select({ userId: memberships.userId, id: groups.id, name: groups.name })
    .from(memberships)
    .innerJoin(groups, eq(groups.id, memberships.groupId))
    .where(
      and(
        eq(memberships.orgId, orgId),
        inArray(
          memberships.userId,
          rows.map((r) => r.user.id),
        ),
      ),
    )
    .orderBy(asc(groups.name));
  const byUser = new Map<string, { id: string; name: string }[]>();
  for (const g of gs) byUser.set(g.userId, [...(byUser.get(g.userId) ?? []), { id: g.id, name: g.name }]);
  return rows.map((r) => ({ ...r, groups: byUser.get(r.user.id) ?? [] }));
}

async function loadOne(db: Db, orgId: string, id: string): Promise<Row> {
  const [row] = UUID.test(id) ? await loadUsers(db, orgId, [id]) : [];
  if (!row) throw scimNotFound("User", id);
  return row;
}

export async function getScimUser({ ctx, base }: ScimCall, id: string): Promise<ScimResource> {
  return userResource(await loadOne(ctx.db, ctx.orgId, id), base);
}

/**
 * POST /Users. A person who already signed in (same email, not yet linked to the directory) is adopted, so
 * the directory takes over an existing account instead of failing; a second directory user with the same
 * userName answers 409 uniqueness.
 */
export async function createScimUser(call: ScimCall, body: unknown): Promise<ScimResource> {
  const { ctx } = call;
  const input = parseScim(ScimUserInput, body);
  const email = emailOf(input);
  const userId = await ctx.db.transaction(async (tx) => {
    await assertUserNameFree(tx, ctx.orgId, input.userName, null);
    const [existing] = await tx
      .select({ id: users.id, scim: scimUsers.userId, deletedAt: scimUsers.deletedAt })
      .from(users)
      .leftJoin(scimUsers, eq(scimUsers.userId, users.id))
      .where(and(eq(users.orgId, ctx.orgId), eq(sql`lower(${users.email})`, email)))
      .for("update", { of: users });
    if (existing?.scim && !existing.deletedAt)
      throw uniqueness(`emails: another directory user has ${email}`);
    let id: string;
    if (existing) {
      id = existing.id;
      await tx
        .update(users)
        .set({ name: displayNameOf(input) })
        .where(eq(users.id, id));
      await tx.delete(scimUsers).where(eq(scimUsers.userId, id));
    } else {
      const [made] = await tx
        .insert(users)
        .values({
          orgId: ctx.orgId,
          email,
          name: displayNameOf(input),
          // Replaced by the IdP's issuer|sub at the person's first sign-in (lib/auth/adapter.ts).
          subject: `${SCIM_SUBJECT_PREFIX}${ctx.orgId}|${randomUUID()}`,
          localRoles: ["requester"],
        })
        .returning({ id: users.id });
      id = made.id;
    }
    await tx.insert(scimUsers).values({ userId: id, orgId: ctx.orgId, ...scimFields(input) });
    await appendAudit(tx, ctx, {
      action: "scim.user_created",
      subjectType: "user",
      subjectId: id,
      data: {
        userName: input.userName,
        email,
        externalId: input.externalId,
        adopted: Boolean(existing),
        active: input.active,
      },
    });
    if (!input.active) await disableUser({ ctx: { ...ctx, db: tx }, input: { userId: id } });
    else if (existing) await reactivatePerson(tx, ctx, id);
    return id;
  });
  if (!input.active) await deprovisionPerson(ctx, userId, "created inactive by the directory");
  return getScimUser(call, userId);
}

/** PUT /Users/{id}: the whole user, as Okta sends it on every profile change. */
export async function replaceScimUser(call: ScimCall, id: string, body: unknown): Promise<ScimResource> {
  const current = await loadOne(call.ctx.db, call.ctx.orgId, id);
  // A PUT that leaves `active` out keeps it: a partial client must not reactivate a deactivated person.
  const withActive =
    typeof body === "object" &&
    body !== null &&
    !Array.isArray(body) &&
    keyOf(body as Record<string, unknown>, "active") === undefined
      ? { ...body, active: current.scim.active }
      : body;
  return saveUser(call, id, parseScim(ScimUserInput, withActive));
}

/** PATCH /Users/{id}: operations applied to the current resource, then saved as a PUT would be. */
export async function patchScimUser(call: ScimCall, id: string, body: unknown): Promise<ScimResource> {
  const request = parseScim(PatchRequest, body, true);
  const current = userResource(await loadOne(call.ctx.db, call.ctx.orgId, id), call.base);
  const next = applyPatch(current, request, USER_RULES);
  return saveUser(call, id, parseScim(ScimUserInput, next));
}

async function saveUser(call: ScimCall, id: string, input: ScimUserInput): Promise<ScimResource> {
  const { ctx } = call;
  const email = emailOf(input);
  const wasActive = await ctx.db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(scimUsers)
      .where(and(eq(scimUsers.userId, id), eq(scimUsers.orgId, ctx.orgId), isNull(scimUsers.deletedAt)))
      .for("update");
    if (!before) throw scimNotFound("User", id);
    await assertUserNameFree(tx, ctx.orgId, input.userName, id);
    const [clash] = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.orgId, ctx.orgId), eq(sql`lower(${users.email})`, email), ne(users.id, id)));
    if (clash) throw uniqueness(`emails: another user of this organization has ${email}`);
    const fields = scimFields(input);
    const changed = Object.entries(fields)
      .filter(([k, v]) => before[k as keyof typeof before] !== v)
      .map(([k]) => k);
    await tx
      .update(users)
      .set({ email, name: displayNameOf(input) })
      .where(eq(users.id, id));
    await tx
      .update(scimUsers)
      .set({ ...fields, version: before.version + 1, updatedAt: new Date() })
      .where(eq(scimUsers.userId, id));
    await appendAudit(tx, ctx, {
      action: "scim.user_updated",
      subjectType: "user",
      subjectId: id,
      data: { changed, active: input.active, email },
    });
    if (before.active && !input.active) await disableUser({ ctx: { ...ctx, db: tx }, input: { userId: id } });
    if (!before.active && input.active) await reactivatePerson(tx, ctx, id);
    return before.active;
  });
  if (wasActive && !input.active) await deprovisionPerson(ctx, id, "deactivated in the directory");
  return getScimUser(call, id);
}

/** DELETE /Users/{id}: deprovisioned like `active: false`, then gone from SCIM (the row stays for audit). */
export async function deleteScimUser({ ctx }: ScimCall, id: string): Promise<void> {
  await loadOne(ctx.db, ctx.orgId, id);
  await ctx.db.transaction(async (tx) => {
    const gone = await tx
      .update(scimUsers)
      .set({ deletedAt: new Date(), active: false, updatedAt: new Date() })
      .where(and(eq(scimUsers.userId, id), eq(scimUsers.orgId, ctx.orgId), isNull(scimUsers.deletedAt)))
      .returning({ id: scimUsers.userId });
    if (gone.length === 0) throw scimNotFound("User", id);
    await appendAudit(tx, ctx, { action: "scim.user_deleted", subjectType: "user", subjectId: id, data: {} });
    await disableUser({ ctx: { ...ctx, db: tx }, input: { userId: id } });
  });
  await deprovisionPerson(ctx, id, "deleted from the directory");
}

async function assertUserNameFree(tx: Db, orgId: string, userName: string, self: string | null) {
  const [taken] = await tx
    .select({ id: scimUsers.userId })
    .from(scimUsers)
    .where(
      and(
        eq(scimUsers.orgId, orgId),
        isNull(scimUsers.deletedAt),
        eq(sql`lower(${scimUsers.userName})`, userName.toLowerCase()),
        self ? ne(scimUsers.userId, self) : undefined,
      ),
    );
  if (taken) throw uniqueness(`userName: ${userName} is already taken`);
}

const scimFields = (u: ScimUserInput) => ({
  userName: u.userName,
  externalId: u.externalId,
  givenName: u.name?.givenName ?? null,
  familyName: u.name?.familyName ?? null,
  displayName: u.displayName,
  active: u.active,
});

function displayNameOf(u: ScimUserInput): string | null {
  const parts = [u.name?.givenName, u.name?.familyName].filter(Boolean).join(" ");
  return u.displayName ?? u.name?.formatted ?? (parts || null);
}
