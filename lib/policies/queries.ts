import { and, desc, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { policies } from "@/db/schema";
import { NotFound, Unavailable } from "@/lib/errors";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type PolicyRow = typeof policies.$inferSelect;
export type ActivePolicyRow = PolicyRow & { version: number };

/** The org's policy in force: its highest active version. */
export async function getActivePolicy(tx: Db, orgId: string): Promise<ActivePolicyRow> {
  const [row] = await tx
    .select()
    .from(policies)
    .where(and(eq(policies.orgId, orgId), eq(policies.status, "active")))
    .orderBy(desc(policies.version))
    .limit(1);
  if (!row || row.version === null) throw Unavailable("No access policy is configured for this organization");
  return row as ActivePolicyRow;
}

export async function getPolicyInOrgOrThrow(
  tx: Db,
  orgId: string,
  id: string,
  opts: { lock?: boolean } = {},
) {
  if (!UUID.test(id)) throw NotFound("Policy");
  const q = tx
    .select()
    .from(policies)
    .where(and(eq(policies.id, id), eq(policies.orgId, orgId)));
  const [row] = opts.lock ? await q.for("update") : await q;
  if (!row) throw NotFound("Policy");
  return row;
}
