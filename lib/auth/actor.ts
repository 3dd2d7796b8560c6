import { and, eq, gt, isNull, type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { preparedPerDb } from "@/db/prepared";
import { type AppRole, groups, memberships, sessions, users } from "@/db/schema";
import type { Actor } from "@/lib/ctx";
import { permissionsFor } from "./permissions";
import { hashSessionToken } from "./session-token";

export type UserActor = Extract<Actor, { userId: string }>;
type Loaded = { actor: UserActor; orgId: string };
type GroupRef = { name: string; role: AppRole | null };

/**
 * Loads a person as an actor, with roles from local assignments plus their groups. Read on every request,
 * so removing someone from a group or disabling them applies at once. Disabled users load as null.
 */
export async function loadUserActor(
  db: Db,
  userId: string,
  via: UserActor["type"] = "user",
): Promise<Loaded | null> {
  const [row] = await selectActor(db).where(and(eq(users.id, userId), isNull(users.disabledAt)));
  return row ? toActor(row, via) : null;
}

/**
 * The person behind a database-session token, in one query: the session must exist and not have expired,
 * and its user must not be disabled (the same checks as the next-auth adapter's getSessionAndUser). Pages
 * call this on every request, so it is one round trip rather than session, user and groups separately.
 * The table holds only the token's hash, so that is what the query is given (and what any error shows).
 */
export async function loadSessionActor(db: Db, sessionToken: string): Promise<Loaded | null> {
  const tokenHash = hashSessionToken(sessionToken);
  const [row] = await sessionActorQuery(db).execute({ tokenHash });
  if (!row) return null;
  const loaded = toActor(row, "user");
  loaded.actor.sessionHash = tokenHash;
  return loaded;
}

const sessionActorQuery = preparedPerDb((db) =>
  selectActor(db)
    .innerJoin(sessions, eq(sessions.userId, users.id))
    .where(
      and(
        eq(sessions.sessionTokenHash, sql.placeholder("tokenHash")),
        gt(sessions.expires, sql`now()`),
        isNull(users.disabledAt),
      ) as SQL,
    )
    .prepare("session_actor"),
);

/** A user with their groups (name and role) aggregated in the same row, group names sorted. */
function selectActor(db: Db) {
  const groupJson = sql<GroupRef[]>`json_build_object('name', ${groups.name}, 'role', ${groups.role})`;
  const groupList = db
    .select({ list: sql<GroupRef[]>`coalesce(json_agg(${groupJson} order by ${groups.name}), '[]'::json)` })
    .from(memberships)
    .innerJoin(groups, eq(groups.id, memberships.groupId))
    .where(and(eq(memberships.userId, users.id), eq(memberships.orgId, users.orgId)));
  return db
    .select({
      id: users.id,
      orgId: users.orgId,
      email: users.email,
      name: users.name,
      localRoles: users.localRoles,
      groups: sql<GroupRef[]>`(${groupList})`,
    })
    .from(users)
    .$dynamic();
}

type ActorRow = {
  id: string;
  orgId: string;
  email: string;
  name: string | null;
  localRoles: AppRole[];
  groups: GroupRef[];
};

function toActor(row: ActorRow, via: UserActor["type"]): Loaded {
  const roles = new Set<AppRole>(row.localRoles);
  for (const g of row.groups) if (g.role) roles.add(g.role);
  return {
    orgId: row.orgId,
    actor: {
      type: via,
      userId: row.id,
      email: row.email,
      name: row.name,
      roles: [...roles],
      groups: row.groups.map((g) => g.name),
      permissions: permissionsFor(roles),
    },
  };
}
