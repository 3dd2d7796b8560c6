import { and, eq } from "drizzle-orm";
import { type AppRole, users } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { assertPermission, type Ctx, isPerson } from "@/lib/ctx";
import { Conflict, NotFound, parseInput } from "@/lib/errors";
import { SetLocalRolesInput } from "./schemas";

export type LocalRolesDto = { id: string; localRoles: AppRole[]; changed: boolean };

const sorted = (roles: Iterable<AppRole>) => [...new Set(roles)].sort();

/**
 * Replaces a user's locally assigned roles (roles from IdP groups are untouched). Takes effect on their
 * next request, since roles are re-read every time. Admins cannot drop their own local admin role, so
 * an org cannot lose its last admin by a slip; setting the same roles again changes and audits nothing.
 */
export async function setLocalRoles({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: SetLocalRolesInput;
}): Promise<LocalRolesDto> {
  assertPermission(ctx, "users.manage");
  const { userId, roles } = parseInput(SetLocalRolesInput, input);
  const next = sorted(roles);
  return ctx.db.transaction(async (tx) => {
    const [user] = await tx
      .select({ localRoles: users.localRoles })
      .from(users)
      .where(and(eq(users.id, userId), eq(users.orgId, ctx.orgId)))
      .for("update");
    if (!user) throw NotFound("User");
    const previous = sorted(user.localRoles);
    const isSelf = isPerson(ctx.actor) && ctx.actor.userId === userId;
    if (isSelf && previous.includes("admin") && !next.includes("admin")) {
      throw Conflict("You cannot remove your own admin role; ask another admin");
    }
    if (previous.join(",") === next.join(",")) return { id: userId, localRoles: previous, changed: false };
    await tx
      .update(users)
      .set({ localRoles: next })
      .where(and(eq(users.id, userId), eq(users.orgId, ctx.orgId)));
    await appendAudit(tx, ctx, {
      action: "user.roles_changed",
      subjectType: "user",
      subjectId: userId,
      data: { from: previous, to: next },
    });
    return { id: userId, localRoles: next, changed: true };
  });
}
