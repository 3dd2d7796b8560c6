import type { Db } from "@/db/client";
import { auditPending } from "@/db/schema";
import { type Actor, actorRef } from "@/lib/ctx";
import { canonicalAroundSeq } from "./canonical";

export type AuditInput = {
  action: string;
  subjectType: string;
  subjectId: string;
  data?: Record<string, unknown>;
};

/**
 * Records one audit event inside the caller's transaction (fail closed: if this throws, or the commit
 * fails, the change rolls back with it). No lock is taken here: at COMMIT a deferred trigger links the
 * event to the org's chain under the per-org lock (migration 0008), so the chain is linear in commit order
 * and the lock is held only for the commit, not for the rest of the caller's transaction.
 */
export async function appendAudit(
  tx: Db,
  ctx: { actor: Actor; orgId: string },
  input: AuditInput,
): Promise<void> {
  const event = {
    orgId: ctx.orgId,
    ...actorRef(ctx.actor),
    action: input.action,
    subjectType: input.subjectType,
    subjectId: input.subjectId,
    data: input.data ?? {},
    createdAt: new Date(),
  };
  const { prefix, suffix } = canonicalAroundSeq(event);
  await tx.insert(auditPending).values({ ...event, hashPrefix: prefix, hashSuffix: suffix });
}
