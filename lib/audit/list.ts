import { and, desc, eq, gte, like, lt, or, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import { auditEvents, users } from "@/db/schema";
import { assertPermission, type Ctx } from "@/lib/ctx";
import { parseInput, Validation } from "@/lib/errors";
import { checkpointSignatureOk, createCheckpoint, lastCheckpoint, type SignedCheckpoint } from "./checkpoint";
import { csvRow } from "./csv";
import { signingKey } from "./keys";
import { type AuditVerification, verifyAuditChain } from "./verify";

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optionalText = z.preprocess(blankToUndefined, z.string().trim().max(200).optional());
const optionalTime = z.preprocess(
  blankToUndefined,
  z.coerce.date({ error: "must be a date and time" }).optional(),
);

export const ListAuditInput = z.object({
  /** A user's id or email, or a job's name. */
  actor: optionalText,
  /** An exact action ("grant.revoke_requested") or a prefix ending in "." ("grant."). */
  action: optionalText,
  subjectId: optionalText,
  from: optionalTime,
  to: optionalTime,
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  cursor: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^\d{1,15}$/, "is not a cursor this list returned")
      .optional(),
  ),
});
export type ListAuditInput = z.input<typeof ListAuditInput>;

export type AuditEventDto = {
  id: number;
  seq: number;
  createdAt: string;
  actorType: string;
  actorId: string;
  actorLabel: string;
  action: string;
  subjectType: string;
  subjectId: string;
  data: Record<string, unknown>;
  hash: string;
};

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The org's audit events (audit.read), newest first by chain position, one keyset page at a time.
 * The cursor is the last seq seen: seq is unique per org and never reused, so pages never skip rows.
 */
export async function listAuditEvents({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ListAuditInput;
}): Promise<{ items: AuditEventDto[]; nextCursor: string | null }> {
  assertPermission(ctx, "audit.read");
  const { actor, action, subjectId, from, to, limit, cursor } = parseInput(ListAuditInput, input);
  if (from && to && to <= from) throw Validation("to", "must be after from");
  const filters: SQL[] = [eq(auditEvents.orgId, ctx.orgId)];
  if (actor) {
    // Users are joined on their id as text; an email matches only a user of this org.
    filters.push(
      or(eq(auditEvents.actorId, actor), sql`lower(${users.email}) = ${actor.toLowerCase()}`) as SQL,
    );
  }
  if (action) {
    filters.push(
      action.endsWith(".")
        ? like(auditEvents.action, `${escapeLike(action)}%`)
        : eq(auditEvents.action, action),
    );
  }
  if (subjectId) filters.push(eq(auditEvents.subjectId, subjectId));
  if (from) filters.push(gte(auditEvents.createdAt, from));
  if (to) filters.push(lt(auditEvents.createdAt, to));
  if (cursor) filters.push(lt(auditEvents.seq, Number(cursor)));

  const rows = await ctx.db
    .select({ e: auditEvents, email: users.email, name: users.name })
    .from(auditEvents)
    .leftJoin(
      users,
      and(
        eq(users.orgId, auditEvents.orgId),
        sql`${users.id}::text = ${auditEvents.actorId}`,
        sql`${auditEvents.actorType} <> 'system'`,
      ),
    )
    .where(and(...filters))
    .orderBy(desc(auditEvents.seq))
    .limit(limit + 1);
  const items = rows.slice(0, limit).map(({ e, email, name }) => ({
    id: e.id,
    seq: e.seq,
    createdAt: e.createdAt.toISOString(),
    actorType: e.actorType,
    actorId: e.actorId,
    actorLabel: e.actorType === "system" ? `system:${e.actorId}` : (name ?? email ?? e.actorId),
    action: e.action,
    subjectType: e.subjectType,
    subjectId: e.subjectId,
    data: e.data,
    hash: e.hash,
  }));
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? String(last.seq) : null };
}

/** The org's hash chain checked end to end (audit.read): "verified" or where it first breaks. */
export async function getAuditChainStatus({ ctx }: { ctx: Ctx }): Promise<AuditVerification> {
  assertPermission(ctx, "audit.read");
  return verifyAuditChain(ctx.db, { orgId: ctx.orgId });
}

export type CheckpointStatus = {
  /** False when the server has no signing key (production without ELEVATE_AUDIT_SIGNING_KEY). */
  signing: boolean;
  keyId: string | null;
  last: SignedCheckpoint | null;
  /** The last checkpoint's signature checks against the server's public key. */
  lastVerified: boolean;
};

/** The org's last signed checkpoint and whether its signature verifies (audit.read), for the audit page. */
export async function getCheckpointStatus({ ctx }: { ctx: Ctx }): Promise<CheckpointStatus> {
  assertPermission(ctx, "audit.read");
  const key = signingKey();
  const last = await lastCheckpoint(ctx.db, ctx.orgId);
  return {
    signing: key !== null,
    keyId: key?.keyId ?? null,
    last,
    lastVerified: !!(key && last && last.keyId === key.keyId && checkpointSignatureOk(key.publicKey, last)),
  };
}

export const AUDIT_CSV_HEADER = [
  "seq",
  "created_at",
  "actor_type",
  "actor_id",
  "actor",
  "action",
  "subject_type",
  "subject_id",
  "data",
  "hash",
] as const;

/** One CSV line's values for an event, in AUDIT_CSV_HEADER order (neutralised by csvRow). */
export function auditCsvValues(e: AuditEventDto): unknown[] {
  return [
    e.seq,
    e.createdAt,
    e.actorType,
    e.actorId,
    e.actorLabel,
    e.action,
    e.subjectType,
    e.subjectId,
    e.data,
    e.hash,
  ];
}

/** Every matching event as CSV lines, page by page, so an export never holds the whole log in memory. */
export async function* exportAuditCsv({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ListAuditInput;
}): AsyncGenerator<string> {
  // Each export leaves a signed checkpoint of the chain as exported (when signing is on).
  parseInput(ListAuditInput, input);
  if (signingKey()) await createCheckpoint(ctx.db, { orgId: ctx.orgId, reason: "export" });
  yield csvRow([...AUDIT_CSV_HEADER]);
  let cursor: string | undefined;
  for (;;) {
    const page = await listAuditEvents({ ctx, input: { ...input, limit: 1000, cursor } });
    for (const e of page.items) yield csvRow(auditCsvValues(e));
    if (!page.nextCursor) return;
    cursor = page.nextCursor;
  }
}
