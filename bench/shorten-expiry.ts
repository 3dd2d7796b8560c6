import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { grants, sandboxBindings } from "@/db/schema";
import { bindingIdFor } from "@/lib/clouds/port";
import type { WorkflowDriver } from "@/lib/workflows/port";

/**
 * BENCH ONLY. Requests take whole minutes (durationMinutes ≥ 1), too long for a two-minute benchmark, so
 * this moves an active grant's expiry to a few seconds from now: in the database and in the sandbox
 * binding's cloud-enforced condition alike, then tells the driver as an extension would (grant.extended).
 */
export async function shortenGrantExpiryForBench(
  db: Db,
  driver: WorkflowDriver,
  grant: { id: string; orgId: string; targetId: string },
  expiresAt: Date,
): Promise<boolean> {
  const moved = await db.transaction(async (tx) => {
    const rows = await tx
      .update(grants)
      .set({ expiresAt, updatedAt: new Date() })
      .where(and(eq(grants.id, grant.id), eq(grants.status, "active")))
      .returning({ id: grants.id });
    if (rows.length === 0) return false;
    await tx
      .update(sandboxBindings)
      .set({ notAfter: expiresAt })
      .where(
        and(
          eq(sandboxBindings.targetId, grant.targetId),
          eq(sandboxBindings.bindingId, bindingIdFor(grant.id)),
        ),
      );
    return true;
  });
  if (moved) {
    await driver.dispatch([
      { name: "grant.extended", orgId: grant.orgId, grantId: grant.id, expiresAt: expiresAt.toISOString() },
    ]);
  }
  return moved;
}
