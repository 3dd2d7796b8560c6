import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type AppRole, groups, memberships, users } from "@/db/schema";
import type { Actor } from "@/lib/ctx";
import { permissionsFor } from "./permissions";

export type UserActor = Extract<Actor, { userId: string }>;

/**
 * Loads a person as an actor, with roles from local assignments plus their groups. Read on every request,
 * so removing someone from a group or disabling them applies at once. Disabled users load as null.
 */
export async function loadUserActor(
  db: Db,
  userId: string,
  via: UserActor["type"] = "user",
): Promise<{ actor: UserActor; orgId: string } | null> {
  const [user] = await db
    .select()
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.disabledAt)));
  if (!user) return null;
  const rows = await db
    .select({ name: groups.name, role: groups.role })
    .from(memberships)
    .innerJoin(groups, eq(groups.id, memberships.groupId))
    .where(and(eq(memberships.userId, userId), eq(memberships.orgId, user.orgId)));
  const roles = new Set<AppRole>(user.localRoles);
  for (const r of rows) if (r.role) roles.add(r.role);
  return {
    orgId: user.orgId,
    actor: {
      type: via,
      userId: user.id,
      email: user.email,
      name: user.name,
      roles: [...roles],
      groups: rows.map((r) => r.name),
      permissions: permissionsFor(roles),
    },
  };
}
