import { and, asc, eq, gt } from "drizzle-orm";
import type { Db } from "@/db/client";
import { auditEvents, auditPending } from "@/db/schema";
import { eventHash, GENESIS_HASH } from "./canonical";

export type AuditBreak = {
  orgId: string;
  seq: number;
  id: number;
  reason: "hash mismatch" | "broken link" | "sequence gap" | "unchained event";
};
export type AuditVerification = { ok: boolean; orgs: number; checked: number; firstBad?: AuditBreak };

const PAGE = 5_000;

/**
 * Recomputes every event's hash in seq order per org, streaming pages so memory stays flat.
 * Edited rows fail their hash, deleted rows leave a gap, relinked or reordered rows break the chain.
 * Stops at the first break. Deleting the newest rows is not visible here: signed checkpoints cover that.
 * A committed event still waiting in audit_pending means the chaining trigger was bypassed or disabled:
 * it is reported (at the seq it should have taken, with its audit_pending id), never silently skipped.
 */
export async function verifyAuditChain(
  db: Db,
  opts: { orgId?: string; pageSize?: number } = {},
): Promise<AuditVerification> {
  const orgIds = opts.orgId ? [opts.orgId] : await listAuditedOrgs(db);
  const pageSize = opts.pageSize ?? PAGE;
  let checked = 0;
  for (const orgId of orgIds) {
    const result = await verifyOrg(db, orgId, pageSize);
    checked += result.checked;
    if (result.firstBad) return { ok: false, orgs: orgIds.length, checked, firstBad: result.firstBad };
  }
  return { ok: true, orgs: orgIds.length, checked };
}

async function listAuditedOrgs(db: Db): Promise<string[]> {
  const chained = await db.selectDistinct({ orgId: auditEvents.orgId }).from(auditEvents);
  const pending = await db.selectDistinct({ orgId: auditPending.orgId }).from(auditPending);
  return [...new Set([...chained, ...pending].map((r) => r.orgId))].sort();
}

async function verifyOrg(
  db: Db,
  orgId: string,
  pageSize: number,
): Promise<{ checked: number; firstBad?: AuditBreak }> {
  let prevHash = GENESIS_HASH;
  let lastSeq = 0;
  let checked = 0;
  for (;;) {
    const page = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, orgId), gt(auditEvents.seq, lastSeq)))
      .orderBy(asc(auditEvents.seq))
      .limit(pageSize);
    for (const row of page) {
      const bad = (reason: AuditBreak["reason"]) => ({
        checked,
        firstBad: { orgId, seq: row.seq, id: row.id, reason },
      });
      if (row.seq !== lastSeq + 1) return bad("sequence gap");
      if (row.prevHash !== prevHash) return bad("broken link");
      const expected = eventHash(row.prevHash, {
        orgId: row.orgId,
        seq: row.seq,
        actorType: row.actorType,
        actorId: row.actorId,
        action: row.action,
        subjectType: row.subjectType,
        subjectId: row.subjectId,
        data: row.data,
        createdAt: row.createdAt,
      });
      if (expected !== row.hash) return bad("hash mismatch");
      checked += 1;
      prevHash = row.hash;
      lastSeq = row.seq;
    }
    if (page.length < pageSize) break;
  }
  const [pending] = await db
    .select({ id: auditPending.id })
    .from(auditPending)
    .where(eq(auditPending.orgId, orgId))
    .orderBy(asc(auditPending.id))
    .limit(1);
  if (pending)
    return { checked, firstBad: { orgId, seq: lastSeq + 1, id: pending.id, reason: "unchained event" } };
  return { checked };
}
