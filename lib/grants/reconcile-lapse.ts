import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { accessRequests, policies } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { requestTransition } from "@/lib/requests/request-state";
import { systemCtx } from "@/lib/workflows/system-ctx";

/**
 * Pending requests with no decision within their policy's pendingTimeoutSeconds become `lapsed` (audited).
 * The timeout comes from the policy version that judged the request, so a later policy edit is not retroactive.
 */
export async function lapseStaleRequests(db: Db, now: Date, limit: number, orgId?: string): Promise<number> {
  const next = requestTransition("pending", { type: "lapse" });
  if (!next.ok) return 0;
  return db.transaction(async (tx) => {
    const deadline = sql`${accessRequests.createdAt} + make_interval(secs => (${policies.document} ->> 'pendingTimeoutSeconds')::double precision)`;
    const rows = await tx
      .select({ id: accessRequests.id, orgId: accessRequests.orgId, createdAt: accessRequests.createdAt })
      .from(accessRequests)
      .innerJoin(policies, eq(policies.id, accessRequests.policyId))
      .where(
        and(
          orgId ? eq(accessRequests.orgId, orgId) : undefined,
          eq(accessRequests.status, "pending"),
          sql`${deadline} <= ${now.toISOString()}::timestamptz`,
        ),
      )
      .limit(limit)
      .for("update", { of: accessRequests, skipLocked: true });
    if (rows.length === 0) return 0;
    const lapsed = await tx
      .update(accessRequests)
      .set({ status: next.to, updatedAt: now })
      .where(
        and(
          inArray(
            accessRequests.id,
            rows.map((r) => r.id),
          ),
          eq(accessRequests.status, "pending"),
        ),
      )
      .returning({ id: accessRequests.id, orgId: accessRequests.orgId });
    for (const r of lapsed) {
      await appendAudit(tx, systemCtx(tx, r.orgId, "reconciler"), {
        action: "request.lapsed",
        subjectType: "request",
        subjectId: r.id,
        data: { reason: "no decision within the policy's pending timeout" },
      });
    }
    return lapsed.length;
  });
}
