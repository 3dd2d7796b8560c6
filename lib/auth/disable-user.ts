import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { sessions, users } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { assertPermission, type Ctx, isPerson } from "@/lib/ctx";
import { Conflict, NotFound, parseInput } from "@/lib/errors";

export const DisableUserInput = z.object({ userId: z.uuid() });
export type DisableUserInput = z.input<typeof DisableUserInput>;

export type DisabledUserDto = { id: string; disabledAt: string; sessionsEnded: number };

/**
 * Disables a user in this org and deletes their sessions in the same transaction, so they are signed out
 * at once (session lookups also ignore disabled users). Disabling an already-disabled user succeeds.
 */
export async function disableUser({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: DisableUserInput;
}): Promise<DisabledUserDto> {
  assertPermission(ctx, "users.manage");
  const { userId } = parseInput(DisableUserInput, input);
  if (isPerson(ctx.actor) && ctx.actor.userId === userId) throw Conflict("You cannot disable yourself");
  return ctx.db.transaction(async (tx) => {
    const [user] = await tx
      .select({ disabledAt: users.disabledAt })
      .from(users)
      .where(and(eq(users.id, userId), eq(users.orgId, ctx.orgId)))
      .for("update");
    if (!user) throw NotFound("User");
    if (user.disabledAt) return { id: userId, disabledAt: user.disabledAt.toISOString(), sessionsEnded: 0 };
    const disabledAt = new Date();
    await tx
      .update(users)
      .set({ disabledAt })
      .where(and(eq(users.id, userId), eq(users.orgId, ctx.orgId), isNull(users.disabledAt)));
    const ended = await tx
      .delete(sessions)
      .where(eq(sessions.userId, userId))
      .returning({ u: sessions.userId });
    await appendAudit(tx, ctx, {
      action: "user.disabled",
      subjectType: "user",
      subjectId: userId,
      data: { sessionsEnded: ended.length },
    });
    return { id: userId, disabledAt: disabledAt.toISOString(), sessionsEnded: ended.length };
  });
}
