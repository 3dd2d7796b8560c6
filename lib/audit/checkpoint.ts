import type { KeyObject } from "node:crypto";
import { and, desc, eq, gte, lte } from "drizzle-orm";
import type { Db } from "@/db/client";
import { auditCheckpoints, auditEvents, organizations } from "@/db/schema";
import type { CheckpointReason } from "@/db/schema/enums";
import { env } from "@/lib/env";
import { logger } from "@/lib/log";
import { type AnchorSink, configuredAnchor } from "./anchor";
import { type SigningKey, signBytes, signingKey, verifyBytes } from "./keys";

/** A checkpoint as signed, stored and anchored. `signedAt` is an ISO 8601 string with milliseconds. */
export type SignedCheckpoint = {
  orgId: string;
  seq: number;
  headHash: string;
  signedAt: string;
  keyId: string;
  reason: CheckpointReason;
  signature: string;
};

/**
 * The exact bytes signed: a versioned line-oriented text with every field, so no JSON canonicalisation is
 * needed to check one by hand (`printf … | openssl pkeyutl -verify -rawin`).
 */
export function checkpointBytes(cp: Omit<SignedCheckpoint, "signature">): Uint8Array {
  return Buffer.from(
    `elevate-audit-checkpoint/v1\norg=${cp.orgId}\nseq=${cp.seq}\nhead=${cp.headHash}\ntime=${cp.signedAt}\nkey=${cp.keyId}\nreason=${cp.reason}\n`,
    "utf8",
  );
}

export function signCheckpoint(key: SigningKey, cp: Omit<SignedCheckpoint, "signature" | "keyId">) {
  const unsigned = { ...cp, keyId: key.keyId };
  return { ...unsigned, signature: signBytes(key, checkpointBytes(unsigned)) };
}

export function checkpointSignatureOk(publicKey: KeyObject, cp: SignedCheckpoint): boolean {
  return verifyBytes(publicKey, checkpointBytes(cp), cp.signature);
}

type CheckpointRow = typeof auditCheckpoints.$inferSelect;

export function toSignedCheckpoint(row: CheckpointRow): SignedCheckpoint {
  return {
    orgId: row.orgId,
    seq: row.seq,
    headHash: row.headHash,
    signedAt: row.signedAt.toISOString(),
    keyId: row.keyId,
    reason: row.reason,
    signature: row.signature,
  };
}

export class SigningUnavailable extends Error {
  constructor() {
    super("audit signing is off: ELEVATE_AUDIT_SIGNING_KEY is not set (docs/audit.md)");
  }
}

/**
 * Signs the org's chain at `atSeq` (default: its head) and stores the checkpoint, then writes it to the
 * anchor when one is configured (a failed anchor write is logged, not thrown: the checkpoint in the
 * database still stands, and `audit verify --anchor` names it as not anchored). If a checkpoint already
 * exists at that seq it is returned as is (one per seq), unless a retention cut needs its own.
 * Returns null when the org has no events yet.
 */
export async function createCheckpoint(
  db: Db,
  opts: {
    orgId: string;
    reason: CheckpointReason;
    atSeq?: number;
    now?: Date;
    key?: SigningKey | null;
    anchor?: AnchorSink | null;
  },
): Promise<SignedCheckpoint | null> {
  const key = opts.key === undefined ? signingKey() : opts.key;
  if (!key) throw new SigningUnavailable();
  const where =
    opts.atSeq === undefined
      ? eq(auditEvents.orgId, opts.orgId)
      : and(eq(auditEvents.orgId, opts.orgId), eq(auditEvents.seq, opts.atSeq));
  const [head] = await db
    .select({ seq: auditEvents.seq, hash: auditEvents.hash })
    .from(auditEvents)
    .where(where)
    .orderBy(desc(auditEvents.seq))
    .limit(1);
  if (!head) return null;
  // One checkpoint per seq suffices, except that a retention cut is always its own (signed as such).
  const existing = await checkpointAt(db, opts.orgId, head.seq, opts.reason === "retention");
  if (existing) return existing;
  // Milliseconds: what a timestamptz keeps of it exactly, so the stored time re-signs to the same bytes.
  const signedAt = new Date(Math.floor((opts.now ?? new Date()).getTime()));
  const cp = signCheckpoint(key, {
    orgId: opts.orgId,
    seq: head.seq,
    headHash: head.hash,
    signedAt: signedAt.toISOString(),
    reason: opts.reason,
  });
  const inserted = await db
    .insert(auditCheckpoints)
    .values({ ...cp, signedAt })
    .onConflictDoNothing()
    .returning();
  const stored = inserted[0]
    ? toSignedCheckpoint(inserted[0])
    : await checkpointAt(db, opts.orgId, head.seq, opts.reason === "retention");
  if (!stored) throw new Error("checkpoint insert lost a race and found nothing");
  const anchor = opts.anchor === undefined ? configuredAnchor() : opts.anchor;
  if (anchor && inserted[0]) {
    try {
      await anchor.putCheckpoint(stored);
    } catch (err) {
      logger.error(
        { err, orgId: stored.orgId, seq: stored.seq, anchor: anchor.describe() },
        "audit checkpoint not anchored",
      );
    }
  }
  return stored;
}

async function checkpointAt(
  db: Db,
  orgId: string,
  seq: number,
  retentionOnly: boolean,
): Promise<SignedCheckpoint | null> {
  const [row] = await db
    .select()
    .from(auditCheckpoints)
    .where(
      and(
        eq(auditCheckpoints.orgId, orgId),
        eq(auditCheckpoints.seq, seq),
        retentionOnly ? eq(auditCheckpoints.reason, "retention") : undefined,
      ),
    )
    .limit(1);
  return row ? toSignedCheckpoint(row) : null;
}

/** The org's newest checkpoint, or null. */
export async function lastCheckpoint(db: Db, orgId: string): Promise<SignedCheckpoint | null> {
  const [row] = await db
    .select()
    .from(auditCheckpoints)
    .where(eq(auditCheckpoints.orgId, orgId))
    .orderBy(desc(auditCheckpoints.seq))
    .limit(1);
  return row ? toSignedCheckpoint(row) : null;
}

/** The first checkpoint at or after `seq` (the one covering an event), or null. */
export async function coveringCheckpoint(
  db: Db,
  orgId: string,
  seq: number,
): Promise<SignedCheckpoint | null> {
  const [row] = await db
    .select()
    .from(auditCheckpoints)
    .where(and(eq(auditCheckpoints.orgId, orgId), gte(auditCheckpoints.seq, seq)))
    .orderBy(auditCheckpoints.seq)
    .limit(1);
  return row ? toSignedCheckpoint(row) : null;
}

/** Every checkpoint of the org at or below `throughSeq` (default all), in seq order. */
export async function listCheckpoints(
  db: Db,
  orgId: string,
  throughSeq?: number,
): Promise<SignedCheckpoint[]> {
  const rows = await db
    .select()
    .from(auditCheckpoints)
    .where(
      throughSeq === undefined
        ? eq(auditCheckpoints.orgId, orgId)
        : and(eq(auditCheckpoints.orgId, orgId), lte(auditCheckpoints.seq, throughSeq)),
    )
    .orderBy(auditCheckpoints.seq);
  return rows.map(toSignedCheckpoint);
}

/**
 * The scheduled pass (reconciler timer in embedded mode, Inngest cron otherwise): for each org whose chain
 * moved, a `periodic` checkpoint once `every` events have been added since the last one or `minutes` have
 * passed. Never inside an audited write: the write path stays as fast as without signing.
 */
export async function checkpointDue(
  db: Db,
  opts: { now?: Date; orgId?: string; every?: number; minutes?: number; key?: SigningKey | null } = {},
): Promise<{ orgs: number; written: number }> {
  const key = opts.key === undefined ? signingKey() : opts.key;
  if (!key) return { orgs: 0, written: 0 };
  const e = env();
  const every = opts.every ?? e.ELEVATE_AUDIT_CHECKPOINT_EVERY;
  const minutes = opts.minutes ?? e.ELEVATE_AUDIT_CHECKPOINT_MINUTES;
  const now = opts.now ?? new Date();
  // Per org, its head through the (org_id, seq) unique index: no scan of the log.
  const orgIds = opts.orgId
    ? [opts.orgId]
    : (await db.select({ id: organizations.id }).from(organizations)).map((o) => o.id);
  let written = 0;
  let orgs = 0;
  for (const orgId of orgIds) {
    const [head] = await db
      .select({ seq: auditEvents.seq })
      .from(auditEvents)
      .where(eq(auditEvents.orgId, orgId))
      .orderBy(desc(auditEvents.seq))
      .limit(1);
    if (!head) continue;
    orgs += 1;
    const last = await lastCheckpoint(db, orgId);
    const lastSeq = last?.seq ?? 0;
    if (head.seq <= lastSeq) continue;
    const age = last ? now.getTime() - Date.parse(last.signedAt) : Number.POSITIVE_INFINITY;
    if (head.seq - lastSeq >= every || age >= minutes * 60_000) {
      if (await createCheckpoint(db, { orgId, reason: "periodic", now, key })) written += 1;
    }
  }
  return { orgs, written };
}
