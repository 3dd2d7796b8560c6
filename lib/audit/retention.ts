import { and, asc, desc, eq, gt, lt, lte, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { auditEvents, organizations } from "@/db/schema";
import { env } from "@/lib/env";
import { logger } from "@/lib/log";
import { type AnchorSink, configuredAnchor } from "./anchor";
import { createCheckpoint, type SignedCheckpoint } from "./checkpoint";
import { type SigningKey, signingKey } from "./keys";

export type PurgeResult = {
  orgId: string;
  /** Events purged (seq ≤ cut.seq), 0 when nothing was old enough. */
  purged: number;
  cut: SignedCheckpoint | null;
  /** Where the purged events were exported first (JSON lines), one file per purge. */
  archive: string | null;
};

const EXPORT_PAGE = 5_000;

/**
 * Retention for one org: every event created before `before` is exported as JSON lines to the archive
 * sink (the anchor), a signed `retention` checkpoint is written at the newest of them (the cut), and then
 * they are deleted, in one transaction that asks the append-only trigger for it (migration 0012 lets a
 * DELETE through only at or below a retention checkpoint). The remaining chain starts at the cut, so
 * `audit verify` still verifies it. Without an archive sink or a signing key nothing is purged.
 */
export async function purgeAuditBefore(
  db: Db,
  opts: { orgId: string; before: Date; sink?: AnchorSink | null; key?: SigningKey | null; now?: Date },
): Promise<PurgeResult> {
  const sink = opts.sink === undefined ? configuredAnchor() : opts.sink;
  const key = opts.key === undefined ? signingKey() : opts.key;
  if (!sink)
    throw new Error("audit retention needs ELEVATE_AUDIT_ANCHOR: events are exported there before purging");
  if (!key) throw new Error("audit retention needs a signing key: the cut is a signed checkpoint");
  const [cutRow] = await db
    .select({ seq: auditEvents.seq })
    .from(auditEvents)
    .where(and(eq(auditEvents.orgId, opts.orgId), lt(auditEvents.createdAt, opts.before)))
    .orderBy(desc(auditEvents.seq))
    .limit(1);
  if (!cutRow) return { orgId: opts.orgId, purged: 0, cut: null, archive: null };
  const [firstRow] = await db
    .select({ seq: auditEvents.seq })
    .from(auditEvents)
    .where(eq(auditEvents.orgId, opts.orgId))
    .orderBy(asc(auditEvents.seq))
    .limit(1);

  // 1. Export, page by page, into one JSON-lines text (the archive is written once, never appended to).
  const lines: string[] = [];
  for (let after = firstRow.seq - 1; ; ) {
    const page = await db
      .select()
      .from(auditEvents)
      .where(
        and(eq(auditEvents.orgId, opts.orgId), gt(auditEvents.seq, after), lte(auditEvents.seq, cutRow.seq)),
      )
      .orderBy(asc(auditEvents.seq))
      .limit(EXPORT_PAGE);
    for (const e of page) lines.push(JSON.stringify({ ...e, createdAt: e.createdAt.toISOString() }));
    if (page.length < EXPORT_PAGE) break;
    after = page[page.length - 1].seq;
  }
  const name = `events-${String(firstRow.seq).padStart(16, "0")}-${String(cutRow.seq).padStart(16, "0")}.jsonl`;
  const archive = await sink.putArchive(opts.orgId, name, `${lines.join("\n")}\n`);

  // 2. The signed cut, anchored like every checkpoint.
  const cut = await createCheckpoint(db, {
    orgId: opts.orgId,
    reason: "retention",
    atSeq: cutRow.seq,
    now: opts.now,
    key,
    anchor: sink,
  });

  // 3. The purge itself.
  const purged = await db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('elevate.audit_purge', 'on', true)`);
    const gone = await tx
      .delete(auditEvents)
      .where(and(eq(auditEvents.orgId, opts.orgId), lte(auditEvents.seq, cutRow.seq)))
      .returning({ id: auditEvents.id });
    return gone.length;
  });
  logger.info(
    { job: "audit-retention", orgId: opts.orgId, purged, cutSeq: cutRow.seq, archive },
    "audit purged",
  );
  return { orgId: opts.orgId, purged, cut, archive };
}

/** The scheduled retention pass over every org (or one), when ELEVATE_AUDIT_RETENTION_DAYS is set. */
export async function applyAuditRetention(
  db: Db,
  opts: { now?: Date; orgId?: string; days?: number } = {},
): Promise<PurgeResult[]> {
  const days = opts.days ?? env().ELEVATE_AUDIT_RETENTION_DAYS;
  if (!days) return [];
  const now = opts.now ?? new Date();
  const before = new Date(now.getTime() - days * 86_400_000);
  const orgIds = opts.orgId
    ? [opts.orgId]
    : (await db.select({ id: organizations.id }).from(organizations)).map((o) => o.id);
  const out: PurgeResult[] = [];
  for (const orgId of orgIds) out.push(await purgeAuditBefore(db, { orgId, before, now }));
  return out.filter((r) => r.purged > 0);
}
