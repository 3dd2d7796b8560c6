import { and, eq, inArray, notExists } from "drizzle-orm";
import type { Db } from "@/db/client";
import { groups, memberships, scimGroups } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import type { Actor } from "@/lib/ctx";

const SYNC_ACTOR: Actor = { type: "system", job: "idp-group-sync" };

/**
 * Makes the user's IdP-sourced memberships equal to `names` (the groups claim at this sign-in): creates
 * missing groups, adds new memberships, removes gone ones. Local groups are never touched, so an IdP
 * cannot place someone in a group Elevate defines. Groups the directory manages over SCIM (lib/scim) are
 * left alone too: their members are what the directory pushed, whatever a token's claim says.
 * Call inside the caller's transaction.
 */
export async function syncIdpGroups(
  tx: Db,
  input: { orgId: string; userId: string; groups: string[] },
): Promise<{ added: string[]; removed: string[] }> {
  const { orgId, userId } = input;
  const notScim = notExists(tx.select().from(scimGroups).where(eq(scimGroups.groupId, groups.id)));
  const wanted = [...new Set(input.groups)];
  if (wanted.length > 0) {
    await tx
      .insert(groups)
      .values(wanted.map((name) => ({ orgId, name, source: "idp" as const })))
      .onConflictDoNothing();
  }
  const wantedRows = wanted.length
    ? await tx
        .select({ id: groups.id, name: groups.name })
        .from(groups)
        .where(and(eq(groups.orgId, orgId), eq(groups.source, "idp"), inArray(groups.name, wanted), notScim))
    : [];
  const current = await tx
    .select({ id: groups.id, name: groups.name })
    .from(memberships)
    .innerJoin(groups, eq(groups.id, memberships.groupId))
    .where(
      and(eq(memberships.userId, userId), eq(memberships.orgId, orgId), eq(groups.source, "idp"), notScim),
    );

  const currentIds = new Set(current.map((g) => g.id));
  const wantedIds = new Set(wantedRows.map((g) => g.id));
  const toAdd = wantedRows.filter((g) => !currentIds.has(g.id));
  const toRemove = current.filter((g) => !wantedIds.has(g.id));

  if (toAdd.length > 0) {
    await tx
      .insert(memberships)
      .values(toAdd.map((g) => ({ orgId, groupId: g.id, userId })))
      .onConflictDoNothing();
  }
  if (toRemove.length > 0) {
    await tx.delete(memberships).where(
      and(
        eq(memberships.userId, userId),
        inArray(
          memberships.groupId,
          toRemove.map((g) => g.id),
        ),
      ),
    );
  }
  const added = toAdd.map((g) => g.name).sort();
  const removed = toRemove.map((g) => g.name).sort();
  if (added.length || removed.length) {
    await appendAudit(
      tx,
      { actor: SYNC_ACTOR, orgId },
      { action: "user.groups_synced", subjectType: "user", subjectId: userId, data: { added, removed } },
    );
  }
  return { added, removed };
}
