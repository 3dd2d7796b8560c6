import type { KeyObject } from "node:crypto";
import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { auditCheckpoints, auditEvents, auditPending } from "@/db/schema";
import type { AnchorSink } from "./anchor";
import { eventHash, GENESIS_HASH } from "./canonical";
import { checkpointSignatureOk, type SignedCheckpoint, toSignedCheckpoint } from "./checkpoint";
import { keyIdOf, signingKey } from "./keys";

export type AuditBreakReason =
  | "hash mismatch"
  | "broken link"
  | "sequence gap"
  | "unchained event"
  | "checkpoint mismatch"
  | "truncated tail"
  | "bad signature"
  | "unknown key"
  | "checkpoint missing"
  | "checkpoint altered";

export type AuditBreak = {
  orgId: string;
  seq: number;
  /** The event's id (audit_events, or audit_pending for an unchained one); 0 when no event is at fault. */
  id: number;
  reason: AuditBreakReason;
  /** For a checkpoint's fault: its id in audit_checkpoints (0 when it is only in the anchor). */
  checkpointId?: number;
  detail?: string;
};
export type AuditVerification = {
  ok: boolean;
  orgs: number;
  checked: number;
  /** Signed checkpoints checked (signature and, when the chain reaches them, head hash). */
  checkpoints: number;
  firstBad?: AuditBreak;
  /** Not failures: e.g. checkpoints in the database that the anchor does not hold (a failed anchor write). */
  warnings: string[];
};

export type VerifyOptions = {
  orgId?: string;
  pageSize?: number;
  /**
   * Keys checkpoints may be signed with. Default: the server's configured key; an empty list means
   * "no key": any checkpoint then fails as signed by an unknown key.
   */
  publicKeys?: KeyObject[];
  /** Compare the database's checkpoints with this append-only copy (catches deleted checkpoints). */
  anchor?: AnchorSink;
};

const PAGE = 10_000;

/**
 * Recomputes every event's hash in seq order per org, streaming keyset pages (the next one is fetched while
 * this one is hashed) so memory stays flat. Edited rows fail their hash, deleted rows leave a gap, relinked
 * or reordered rows break the chain. Signed checkpoints add what a chain alone cannot show: a chain
 * recomputed after an edit no longer ends at a signed head ("checkpoint mismatch"), a tail deleted behind a
 * checkpoint leaves it beyond the end ("truncated tail"), a forged or altered checkpoint fails its
 * signature. With an anchor, a checkpoint deleted from the database is named too. A retention cut (a signed
 * `retention` checkpoint just below the first remaining event) is where the chain starts after a purge.
 * A committed event still waiting in audit_pending means the chaining trigger was bypassed or disabled.
 */
export async function verifyAuditChain(db: Db, opts: VerifyOptions = {}): Promise<AuditVerification> {
  const orgIds = opts.orgId ? [opts.orgId] : await listAuditedOrgs(db);
  const pageSize = opts.pageSize ?? PAGE;
  // The server's key is read only when a checkpoint needs it (a chain without checkpoints needs none).
  let keyMap: Map<string, KeyObject> | undefined;
  const keys = () => {
    keyMap ??= new Map((opts.publicKeys ?? defaultKeys()).map((k) => [keyIdOf(k), k]));
    return keyMap;
  };
  const total: AuditVerification = {
    ok: true,
    orgs: orgIds.length,
    checked: 0,
    checkpoints: 0,
    warnings: [],
  };
  for (const orgId of orgIds) {
    const result = await verifyOrg(db, orgId, pageSize, keys, opts.anchor);
    total.checked += result.checked;
    total.checkpoints += result.checkpoints;
    total.warnings.push(...result.warnings);
    if (result.firstBad) return { ...total, ok: false, firstBad: result.firstBad };
  }
  return total;
}

function defaultKeys(): KeyObject[] {
  const key = signingKey();
  return key ? [key.publicKey] : [];
}

async function listAuditedOrgs(db: Db): Promise<string[]> {
  const chained = await db.selectDistinct({ orgId: auditEvents.orgId }).from(auditEvents);
  const pending = await db.selectDistinct({ orgId: auditPending.orgId }).from(auditPending);
  const signed = await db.selectDistinct({ orgId: auditCheckpoints.orgId }).from(auditCheckpoints);
  return [...new Set([...chained, ...pending, ...signed].map((r) => r.orgId))].sort();
}

type OrgResult = { checked: number; checkpoints: number; warnings: string[]; firstBad?: AuditBreak };
type Stored = SignedCheckpoint & { id: number };

async function verifyOrg(
  db: Db,
  orgId: string,
  pageSize: number,
  keys: () => Map<string, KeyObject>,
  anchor: AnchorSink | undefined,
): Promise<OrgResult> {
  const out: OrgResult = { checked: 0, checkpoints: 0, warnings: [] };
  const fail = (b: Omit<AuditBreak, "orgId">): OrgResult => ({ ...out, firstBad: { orgId, ...b } });

  // 1. Every checkpoint's signature, before trusting any of them.
  const cps: Stored[] = (
    await db
      .select()
      .from(auditCheckpoints)
      .where(eq(auditCheckpoints.orgId, orgId))
      .orderBy(asc(auditCheckpoints.seq), asc(auditCheckpoints.id))
  ).map((r) => ({ ...toSignedCheckpoint(r), id: r.id }));
  for (const cp of cps) {
    const bad = signatureProblem(cp, keys());
    if (bad) return fail({ seq: cp.seq, id: 0, checkpointId: cp.id, ...bad });
  }

  // 2. The anchor's copy: each anchored checkpoint must still be in the database, unchanged.
  if (anchor) {
    const anchored = await anchor.listCheckpoints(orgId);
    const byName = new Map(cps.map((c) => [`${c.seq}/${c.reason}`, c]));
    for (const a of anchored.sort((x, y) => x.seq - y.seq)) {
      const bad = signatureProblem(a, keys());
      if (bad)
        return fail({ seq: a.seq, id: 0, checkpointId: 0, ...bad, detail: `in the anchor: ${bad.detail}` });
      const mine = byName.get(`${a.seq}/${a.reason}`);
      if (!mine) {
        return fail({
          seq: a.seq,
          id: 0,
          checkpointId: 0,
          reason: "checkpoint missing",
          detail: `the anchor (${anchor.describe()}) holds a ${a.reason} checkpoint at seq ${a.seq} that the database lost`,
        });
      }
      if (
        mine.headHash !== a.headHash ||
        mine.signature !== a.signature ||
        mine.signedAt !== a.signedAt ||
        mine.keyId !== a.keyId
      ) {
        return fail({
          seq: a.seq,
          id: 0,
          checkpointId: mine.id,
          reason: "checkpoint altered",
          detail: "the database's checkpoint differs from the anchored one",
        });
      }
      byName.delete(`${a.seq}/${a.reason}`);
    }
    for (const c of byName.values()) {
      out.warnings.push(`org ${orgId}: checkpoint at seq ${c.seq} (${c.reason}) is not in the anchor`);
    }
  }

  // 3. Where the chain starts: seq 1 from the genesis hash, or just above a signed retention cut.
  const [first] = await db
    .select({ seq: auditEvents.seq, id: auditEvents.id })
    .from(auditEvents)
    .where(eq(auditEvents.orgId, orgId))
    .orderBy(asc(auditEvents.seq))
    .limit(1);
  let prevHash = GENESIS_HASH;
  let lastSeq = 0;
  if (first && first.seq > 1) {
    const cut = cps.find((c) => c.reason === "retention" && c.seq === first.seq - 1);
    if (!cut) return fail({ seq: first.seq, id: first.id, reason: "sequence gap" });
    prevHash = cut.headHash;
    lastSeq = cut.seq;
  }
  let next = cps.findIndex((c) => c.seq > lastSeq);
  if (next < 0) next = cps.length;
  out.checkpoints = next; // those at or below the cut are checked by signature only

  // 4. The chain, page by page, with the next page already on its way.
  const fetchPage = (after: number) => fetchEvents(db, orgId, after, pageSize);
  // Pages leave the id out (verify reads a million rows); a break looks its event's id up.
  const idAt = async (seq: number) => {
    const [r] = await db
      .select({ id: auditEvents.id })
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, orgId), eq(auditEvents.seq, seq)));
    return r?.id ?? 0;
  };
  let pending = fetchPage(lastSeq);
  for (;;) {
    const page = await pending;
    const tail = page.at(-1);
    if (page.length === pageSize && tail) pending = fetchPage(tail.seq);
    for (const row of page) {
      if (row.seq !== lastSeq + 1)
        return fail({ seq: row.seq, id: await idAt(row.seq), reason: "sequence gap" });
      if (row.prevHash !== prevHash)
        return fail({ seq: row.seq, id: await idAt(row.seq), reason: "broken link" });
      const expected = eventHash(row.prevHash, row);
      if (expected !== row.hash)
        return fail({ seq: row.seq, id: await idAt(row.seq), reason: "hash mismatch" });
      while (next < cps.length && cps[next].seq === row.seq) {
        const cp = cps[next];
        if (cp.headHash !== row.hash) {
          return fail({
            seq: row.seq,
            id: await idAt(row.seq),
            reason: "checkpoint mismatch",
            checkpointId: cp.id,
            detail: `the chain was rewritten: the ${cp.reason} checkpoint signed at ${cp.signedAt} holds another head hash here`,
          });
        }
        next += 1;
        out.checkpoints += 1;
      }
      out.checked += 1;
      prevHash = row.hash;
      lastSeq = row.seq;
    }
    if (page.length < pageSize) break;
  }

  // 5. A checkpoint beyond the last event: the newest events were deleted.
  if (next < cps.length) {
    const cp = cps[next];
    return fail({
      seq: lastSeq + 1,
      id: 0,
      reason: "truncated tail",
      checkpointId: cp.id,
      detail: `a ${cp.reason} checkpoint signed at ${cp.signedAt} covers seq ${cp.seq}, but the chain ends at seq ${lastSeq}`,
    });
  }
  const [unchained] = await db
    .select({ id: auditPending.id })
    .from(auditPending)
    .where(eq(auditPending.orgId, orgId))
    .orderBy(asc(auditPending.id))
    .limit(1);
  if (unchained) return fail({ seq: lastSeq + 1, id: unchained.id, reason: "unchained event" });
  return out;
}

function signatureProblem(
  cp: SignedCheckpoint,
  keys: Map<string, KeyObject>,
): { reason: "bad signature" | "unknown key"; detail: string } | undefined {
  const key = keys.get(cp.keyId);
  if (!key) {
    return {
      reason: "unknown key",
      detail:
        keys.size === 0
          ? "no public key to check signed checkpoints with (give --public-key)"
          : `signed by key ${cp.keyId}, which is not the public key given`,
    };
  }
  if (!checkpointSignatureOk(key, cp)) {
    return {
      reason: "bad signature",
      detail: `the ${cp.reason} checkpoint at seq ${cp.seq} is forged or altered`,
    };
  }
  return undefined;
}

type ChainRow = {
  orgId: string;
  seq: number;
  actorType: string;
  actorId: string;
  action: string;
  subjectType: string;
  subjectId: string;
  data: Record<string, unknown>;
  prevHash: string;
  hash: string;
  createdAt: Date;
};

/**
 * One keyset page of the chain, read without the query builder's row mapping (a third of verify's time
 * on a million rows) and without the columns every row of the page shares (org) or that only a break
 * needs (id): the seq and the time come back as float8 on both drivers (seqs are far below 2^53; the
 * time in whole milliseconds, as events are written and as drizzle reads them). The ORDER BY names the
 * table's column: a bare `seq` would be the float8 output column, which no index orders (a sort per page).
 */
async function fetchEvents(db: Db, orgId: string, after: number, limit: number): Promise<ChainRow[]> {
  const res = await db.execute(sql`
    select seq::float8 as seq, actor_type as "actorType",
           actor_id as "actorId", action, subject_type as "subjectType", subject_id as "subjectId", data,
           prev_hash as "prevHash", hash,
           floor(extract(epoch from created_at) * 1000)::float8 as ms
    from audit_events
    where audit_events.org_id = ${orgId} and audit_events.seq > ${after}
    order by audit_events.seq
    limit ${limit}`);
  const rows = (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as (Omit<
    ChainRow,
    "createdAt"
  > & {
    ms: number;
  })[];
  // In place: a copy per row costs as much as hashing it.
  for (const r of rows as ((typeof rows)[number] & { createdAt?: Date })[]) {
    r.orgId = orgId;
    r.createdAt = new Date(r.ms);
  }
  return rows as unknown as ChainRow[];
}
