import { and, asc, count, eq, ilike, inArray, or, type SQL } from "drizzle-orm";
import { type AppRole, type GroupSource, groups, memberships, users } from "@/db/schema";
import { assertPermission, type Ctx } from "@/lib/ctx";
import { parseInput } from "@/lib/errors";
import { ListUsersInput } from "./schemas";

export type AdminUserDto = {
  id: string;
  email: string;
  name: string | null;
  subject: string;
  localRoles: AppRole[];
  /** Roles held through IdP groups; they change only in the IdP. */
  groupRoles: AppRole[];
  groups: string[];
  disabledAt: string | null;
  createdAt: string;
};

export type AdminGroupDto = {
  id: string;
  name: string;
  source: GroupSource;
  role: AppRole | null;
  members: number;
};

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** People in the org with their local roles and IdP groups (users.manage), by email. */
export async function listUsers({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ListUsersInput;
}): Promise<AdminUserDto[]> {
  assertPermission(ctx, "users.manage");
  const { query, limit } = parseInput(ListUsersInput, input);
  const filters: SQL[] = [eq(users.orgId, ctx.orgId)];
  if (query) {
    const like = `%${escapeLike(query)}%`;
    filters.push(or(ilike(users.email, like), ilike(users.name, like)) as SQL);
  }
  const rows = await ctx.db
    .select()
    .from(users)
    .where(and(...filters))
    .orderBy(asc(users.email))
    .limit(limit);
  if (rows.length === 0) return [];
  const groupRows = await ctx.db
    .select({ userId: memberships.userId, name: groups.name, role: groups.role })
    .from(memberships)
    .innerJoin(groups, eq(groups.id, memberships.groupId))
    .where(
      and(
        eq(memberships.orgId, ctx.orgId),
        eq(groups.orgId, ctx.orgId),
        inArray(
          memberships.userId,
          rows.map((u) => u.id),
        ),
      ),
    )
    .orderBy(asc(groups.name));
  return rows.map((u) => {
    const mine = groupRows.filter((g) => g.userId === u.id);
    return {
      id: u.id,
      email: u.email,
      name: u.name,
      subject: u.subject,
      localRoles: [...u.localRoles].sort(),
      groupRoles: [...new Set(mine.flatMap((g) => (g.role ? [g.role] : [])))].sort(),
      groups: mine.map((g) => g.name),
      disabledAt: u.disabledAt?.toISOString() ?? null,
      createdAt: u.createdAt.toISOString(),
    };
  });
}

/** Groups synced from the IdP (or local), the app role each confers, and how many members. */
export async function listGroups({ ctx }: { ctx: Ctx }): Promise<AdminGroupDto[]> {
  assertPermission(ctx, "users.manage");
  const rows = await ctx.db
    .select({
      id: groups.id,
      name: groups.name,
      source: groups.source,
      role: groups.role,
      members: count(memberships.userId),
    })
    .from(groups)
    .leftJoin(memberships, and(eq(memberships.groupId, groups.id), eq(memberships.orgId, ctx.orgId)))
    .where(eq(groups.orgId, ctx.orgId))
    .groupBy(groups.id)
    .orderBy(asc(groups.name));
  return rows;
}
