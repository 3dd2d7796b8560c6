import { and, desc, eq, gt, inArray, isNull, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { accessReviewItems, accessReviews, apiTokens, groups, memberships, users } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { listTemplates } from "@/lib/catalog/list";
import { assertPermission, type Ctx } from "@/lib/ctx";
import { parseInput } from "@/lib/errors";
import { OWNERS } from "@/lib/policies/schema";
import { getActivePolicy } from "@/lib/requests/queries";
import { StartReviewInput } from "./schemas";

const DAY_MS = 86_400_000;

/**
 * Opens a campaign with a snapshot of what must be confirmed: every task template in the catalog, every
 * membership of a group that can approve (the policy's approver group, and groups granting the approver or
 * admin role), and every live API token (reviewed by its owner).
 */
export async function startAccessReview({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: StartReviewInput;
}): Promise<{ id: string; items: number }> {
  assertPermission(ctx, "compliance.manage");
  const v = parseInput(StartReviewInput, input);
  return ctx.db.transaction(async (tx) => {
    const [review] = await tx
      .insert(accessReviews)
      .values({
        orgId: ctx.orgId,
        name: v.name,
        dueAt: new Date(Date.now() + v.dueInDays * DAY_MS),
        remindEmails: v.remindEmails,
        createdBy: ctx.actor.type === "system" ? null : ctx.actor.userId,
      })
      .returning();
    const items = [
      ...(await templateItems({ ...ctx, db: tx })),
      ...(await membershipItems(tx, ctx.orgId)),
      ...(await tokenItems(tx, ctx.orgId)),
    ].map((i) => ({ ...i, orgId: ctx.orgId, reviewId: review.id }));
    if (items.length > 0) await tx.insert(accessReviewItems).values(items);
    const counts = Object.fromEntries(
      ["template", "membership", "token"].map((k) => [k, items.filter((i) => i.kind === k).length]),
    );
    await appendAudit(tx, ctx, {
      action: "access_review.started",
      subjectType: "access_review",
      subjectId: review.id,
      data: { name: v.name, dueAt: review.dueAt.toISOString(), items: counts },
    });
    return { id: review.id, items: items.length };
  });
}

type Item = {
  kind: "template" | "membership" | "token";
  subjectId: string;
  label: string;
  ownerId: string | null;
};

async function templateItems(ctx: Ctx): Promise<Item[]> {
  return (await listTemplates({ ctx })).map((t) => ({
    kind: "template",
    subjectId: t.key,
    label: `${t.name} (${t.key} v${t.version}, ${t.risk} risk)`,
    ownerId: null,
  }));
}

async function membershipItems(tx: Db, orgId: string): Promise<Item[]> {
  const policy = await getActivePolicy(tx, orgId).catch(() => null);
  // Every group the active policy names as approvers (its defaults and its rules; `$owners` is per target).
  const named = policy
    ? [
        ...new Set(
          [policy.document.defaults, ...policy.document.rules.map((r) => r.decide)]
            .flatMap((d) => d.approverGroups ?? [])
            .filter((g) => g !== OWNERS),
        ),
      ]
    : [];
  const rows = await tx
    .select({
      groupId: groups.id,
      group: groups.name,
      role: groups.role,
      userId: users.id,
      email: users.email,
    })
    .from(memberships)
    .innerJoin(groups, eq(groups.id, memberships.groupId))
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.orgId, orgId),
        isNull(users.disabledAt),
        or(
          inArray(groups.role, ["approver", "admin"]),
          named.length > 0 ? inArray(groups.name, named) : sql`false`,
        ),
      ),
    )
    .orderBy(groups.name, users.email);
  return rows.map((r) => ({
    kind: "membership",
    subjectId: `${r.groupId}:${r.userId}`,
    label: `${r.email} in ${r.group}${r.role ? ` (grants ${r.role})` : ""}`,
    ownerId: null,
  }));
}

async function tokenItems(tx: Db, orgId: string): Promise<Item[]> {
  const rows = await tx
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      prefix: apiTokens.prefix,
      userId: apiTokens.userId,
      email: users.email,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(
      and(
        eq(apiTokens.orgId, orgId),
        isNull(apiTokens.revokedAt),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, new Date())),
      ),
    )
    .orderBy(desc(apiTokens.createdAt));
  return rows.map((r) => ({
    kind: "token",
    subjectId: r.id,
    label: `${r.name} (${r.prefix}...) of ${r.email}`,
    ownerId: r.userId,
  }));
}
