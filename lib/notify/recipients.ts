import { and, eq, inArray, isNull, ne, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { groups, memberships, type NotifyChannel, notificationSettings, users } from "@/db/schema";

export type Recipient = {
  userId: string;
  email: string;
  name: string | null;
  channels: NotifyChannel[];
  webhookUrl: string | null;
  webhookSecret: string | null;
};

const recipientCols = {
  userId: users.id,
  email: users.email,
  name: users.name,
  channels: sql<NotifyChannel[]>`coalesce(${notificationSettings.channels}, array['email']::text[])`,
  webhookUrl: notificationSettings.webhookUrl,
  webhookSecret: notificationSettings.webhookSecret,
};

/**
 * Who must hear about a new request: today, the enabled members of the request's approver group other
 * than the requester. THE one place approvers are looked up for notifications: the policy engine's rules
 * (issue 15 part A) replace this body at merge, keeping the signature.
 */
export async function approversFor(
  db: Db,
  request: { orgId: string; approverGroup: string; requesterId: string },
): Promise<Recipient[]> {
  return db
    .selectDistinct(recipientCols)
    .from(memberships)
    .innerJoin(groups, eq(groups.id, memberships.groupId))
    .innerJoin(users, eq(users.id, memberships.userId))
    .leftJoin(notificationSettings, eq(notificationSettings.userId, users.id))
    .where(
      and(
        eq(memberships.orgId, request.orgId),
        eq(groups.orgId, request.orgId),
        eq(groups.name, request.approverGroup),
        ne(users.id, request.requesterId),
        isNull(users.disabledAt),
      ),
    );
}

/** The enabled admins of an org (local role or a group with the admin role): alerts go to them. */
export async function adminsOf(db: Db, orgId: string): Promise<Recipient[]> {
  const viaGroup = db
    .select({ userId: memberships.userId })
    .from(memberships)
    .innerJoin(groups, eq(groups.id, memberships.groupId))
    .where(and(eq(memberships.orgId, orgId), eq(groups.role, "admin")));
  return db
    .select(recipientCols)
    .from(users)
    .leftJoin(notificationSettings, eq(notificationSettings.userId, users.id))
    .where(
      and(
        eq(users.orgId, orgId),
        isNull(users.disabledAt),
        or(sql`'admin' = any(${users.localRoles})`, inArray(users.id, viaGroup)),
      ),
    );
}

/** One person as a recipient (the requester of a decision, the holder of a grant); null when disabled. */
export async function recipient(db: Db, userId: string): Promise<Recipient | null> {
  const [row] = await db
    .select(recipientCols)
    .from(users)
    .leftJoin(notificationSettings, eq(notificationSettings.userId, users.id))
    .where(and(eq(users.id, userId), isNull(users.disabledAt)));
  return row ?? null;
}
