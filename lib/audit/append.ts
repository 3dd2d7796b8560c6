import { desc, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { auditEvents } from "@/db/schema";
import { type Actor, actorRef } from "@/lib/ctx";
import { eventHash, GENESIS_HASH } from "./canonical";

export type AuditInput = {
  action: string;
  subjectType: string;
  subjectId: string;
  data?: Record<string, unknown>;
};

/**
 * Appends one audit event inside the caller's transaction (fail closed: if this throws, the change rolls
 * back). A per-org advisory lock serialises writers so the chain has no forks.
 */
export async function appendAudit(tx: Db, ctx: { actor: Actor; orgId: string }, input: AuditInput) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`audit:${ctx.orgId}`}))`);
  const [last] = await tx
    .select({ seq: auditEvents.seq, hash: auditEvents.hash })
    .from(auditEvents)
    .where(eq(auditEvents.orgId, ctx.orgId))
    .orderBy(desc(auditEvents.seq))
    .limit(1);
  const row = {
    orgId: ctx.orgId,
    seq: (last?.seq ?? 0) + 1,
    ...actorRef(ctx.actor),
    action: input.action,
    subjectType: input.subjectType,
    subjectId: input.subjectId,
    data: input.data ?? {},
    createdAt: new Date(),
  };
  const prevHash = last?.hash ?? GENESIS_HASH;
  const hash = eventHash(prevHash, row);
  await tx.insert(auditEvents).values({ ...row, prevHash, hash });
  return { seq: row.seq, hash };
}
