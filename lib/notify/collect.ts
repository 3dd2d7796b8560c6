import { and, asc, eq, gt, inArray, lte, max } from "drizzle-orm";
import type { Db } from "@/db/client";
import {
  accessRequests,
  auditEvents,
  grants,
  type NotificationKind,
  type NotifyChannel,
  notificationCursors,
  notificationDeliveries,
} from "@/db/schema";
import { env } from "@/lib/env";
import { adminsOf, approversFor, type Recipient, recipient } from "./recipients";

/** Audit actions that produce notifications, and what each produces. */
const ACTIONS = [
  "request.submitted",
  "request.approved",
  "request.denied",
  "request.approval_recorded",
  "request.cancelled",
  "request.lapsed",
  "grant.activated",
  "grant.revoked",
  "grant.failed",
  "grant.revoke_stuck",
] as const;

/** How far back a brand-new cursor starts: events older than this, at first start, are not announced. */
export const FIRST_START_LOOKBACK_MS = 15 * 60_000;
/** "10 minutes before expiry, with an extend link" (issue 15, point 3). */
export const EXPIRY_WARNING_MS = 10 * 60_000;
const BATCH = 500;

export type NewDelivery = {
  orgId: string;
  userId: string | null;
  channel: NotifyChannel;
  kind: NotificationKind;
  subjectId: string;
  dedupeKey: string;
  payload: Record<string, unknown>;
};

/** One delivery per channel the person chose that this server can send (SMTP, a Slack app, their URL). */
function forRecipient(
  r: Recipient,
  base: Omit<NewDelivery, "userId" | "channel" | "dedupeKey">,
  key: string,
): NewDelivery[] {
  const e = env();
  // A channel the server has no transport for is skipped, not queued to fail.
  const usable = {
    email: Boolean(e.ELEVATE_SMTP_URL),
    slack: Boolean(e.SLACK_BOT_TOKEN),
    webhook: Boolean(r.webhookUrl),
  };
  return r.channels
    .filter((c) => usable[c])
    .map((channel) => ({ ...base, userId: r.userId, channel, dedupeKey: `${key}:${r.userId}:${channel}` }));
}

async function insertDeliveries(db: Db, rows: NewDelivery[]): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < rows.length; i += 500) {
    const inserted = await db
      .insert(notificationDeliveries)
      .values(rows.slice(i, i + 500))
      .onConflictDoNothing({ target: notificationDeliveries.dedupeKey })
      .returning({ id: notificationDeliveries.id });
    ids.push(...inserted.map((r) => r.id));
  }
  return ids;
}

type AuditRow = { seq: number; action: string; subjectId: string; data: Record<string, unknown> };

async function deliveriesFor(db: Db, orgId: string, e: AuditRow): Promise<NewDelivery[]> {
  const out: NewDelivery[] = [];
  switch (e.action) {
    case "request.submitted": {
      const [req] = await db
        .select({ requesterId: accessRequests.requesterId, approverGroup: accessRequests.approverGroup })
        .from(accessRequests)
        .where(and(eq(accessRequests.id, e.subjectId), eq(accessRequests.orgId, orgId)));
      if (!req) return [];
      const base = {
        orgId,
        kind: "request.created" as const,
        subjectId: e.subjectId,
        payload: { requestId: e.subjectId },
      };
      const key = `request.created:${e.subjectId}`;
      const approvers = await approversFor(db, { orgId, ...req });
      const channel = env().SLACK_APPROVER_CHANNEL;
      for (const a of approvers) {
        // With an approver channel, Slack approvals go there once instead of to each approver.
        const mine = forRecipient(a, base, key);
        out.push(...(channel ? mine.filter((d) => d.channel !== "slack") : mine));
      }
      if (channel && env().SLACK_BOT_TOKEN) {
        out.push({ ...base, userId: null, channel: "slack", dedupeKey: `${key}:channel:${channel}` });
      }
      return out;
    }
    case "request.approved":
    case "request.denied":
    case "request.approval_recorded":
    case "request.cancelled":
    case "request.lapsed": {
      // Every Slack message about the request is re-rendered, wherever the decision was made.
      if (env().SLACK_BOT_TOKEN) {
        out.push({
          orgId,
          userId: null,
          channel: "slack",
          kind: "request.updated",
          subjectId: e.subjectId,
          dedupeKey: `request.updated:${e.subjectId}:${e.seq}`,
          payload: { requestId: e.subjectId },
        });
      }
      if (e.action === "request.approved" || e.action === "request.denied") {
        const [req] = await db
          .select({ requesterId: accessRequests.requesterId })
          .from(accessRequests)
          .where(and(eq(accessRequests.id, e.subjectId), eq(accessRequests.orgId, orgId)));
        const r = req && (await recipient(db, req.requesterId));
        if (r) {
          out.push(
            ...forRecipient(
              r,
              { orgId, kind: "request.decided", subjectId: e.subjectId, payload: { requestId: e.subjectId } },
              `request.decided:${e.subjectId}`,
            ),
          );
        }
      }
      return out;
    }
    case "grant.activated":
    case "grant.revoked": {
      const [g] = await db
        .select({ userId: grants.userId })
        .from(grants)
        .where(and(eq(grants.id, e.subjectId), eq(grants.orgId, orgId)));
      const r = g && (await recipient(db, g.userId));
      if (!r) return [];
      const kind = e.action === "grant.activated" ? "grant.active" : "grant.revoked";
      return forRecipient(
        r,
        { orgId, kind, subjectId: e.subjectId, payload: { grantId: e.subjectId } },
        `${kind}:${e.subjectId}`,
      );
    }
    case "grant.failed":
    case "grant.revoke_stuck":
      return alertDeliveries(db, orgId, {
        kind: e.action,
        grantId: e.subjectId,
        message:
          typeof e.data.error === "string"
            ? e.data.error
            : typeof e.data.lastError === "string"
              ? e.data.lastError
              : e.action,
        key: `${e.action}:${e.subjectId}`,
      });
  }
  return [];
}

/**
 * Alerts go to every admin on their channels. The key is the alert's identity: the same grant failure seen
 * through the audit chain and through Inngest's `elevate/alert.raised` is sent once.
 */
export async function alertDeliveries(
  db: Db,
  orgId: string,
  alert: { kind: string; grantId: string | null; message: string; key: string },
): Promise<NewDelivery[]> {
  const admins = await adminsOf(db, orgId);
  return admins.flatMap((a) =>
    forRecipient(
      a,
      {
        orgId,
        kind: "alert",
        subjectId: alert.grantId ?? alert.key,
        payload: { kind: alert.kind, grantId: alert.grantId, message: alert.message },
      },
      `alert:${alert.key}`,
    ),
  );
}

/** Records an alert raised elsewhere (Inngest's `elevate/alert.raised`); returns the new delivery ids. */
export async function recordAlert(
  db: Db,
  alert: { orgId: string; kind: string; grantId: string | null; message: string; runId: string },
): Promise<string[]> {
  const key =
    alert.grantId && alert.kind !== "workflow.failed"
      ? `${alert.kind}:${alert.grantId}`
      : `${alert.kind}:${alert.runId}`;
  return insertDeliveries(db, await alertDeliveries(db, alert.orgId, { ...alert, key }));
}

/**
 * Reads the org's audit chain past its cursor (seq is commit-ordered: the chain is linked at COMMIT under
 * the org's lock) and turns the events above into deliveries, in one transaction with the cursor, so an
 * event is collected once however many processes run this. Returns the ids of new deliveries.
 */
export async function collectFromAudit(db: Db, orgId: string, now = new Date()): Promise<string[]> {
  return db.transaction(async (tx) => {
    const lockCursor = () =>
      tx
        .select({ seq: notificationCursors.seq })
        .from(notificationCursors)
        .where(eq(notificationCursors.orgId, orgId))
        .for("update");
    let [cursor] = await lockCursor();
    if (!cursor) {
      await tx
        .insert(notificationCursors)
        .values({ orgId, seq: await firstCursor(tx, orgId, now) })
        .onConflictDoNothing();
      [cursor] = await lockCursor();
    }
    const events = await tx
      .select({
        seq: auditEvents.seq,
        action: auditEvents.action,
        subjectId: auditEvents.subjectId,
        data: auditEvents.data,
      })
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.orgId, orgId),
          gt(auditEvents.seq, cursor.seq),
          inArray(auditEvents.action, [...ACTIONS]),
        ),
      )
      .orderBy(asc(auditEvents.seq))
      .limit(BATCH);
    if (events.length === 0) {
      // Skip past unrelated events too, so the next read starts near the head.
      const [head] = await tx
        .select({ seq: max(auditEvents.seq) })
        .from(auditEvents)
        .where(eq(auditEvents.orgId, orgId));
      if (head?.seq && head.seq > cursor.seq) {
        await tx
          .update(notificationCursors)
          .set({ seq: head.seq, updatedAt: now })
          .where(eq(notificationCursors.orgId, orgId));
      }
      return [];
    }
    const rows: NewDelivery[] = [];
    for (const e of events) rows.push(...(await deliveriesFor(tx, orgId, e)));
    const ids = await insertDeliveries(tx, rows);
    await tx
      .update(notificationCursors)
      .set({ seq: events[events.length - 1].seq, updatedAt: now })
      .where(eq(notificationCursors.orgId, orgId));
    return ids;
  });
}

/** A new cursor starts after the events older than FIRST_START_LOOKBACK_MS: no flood of old news. */
async function firstCursor(db: Db, orgId: string, now: Date): Promise<number> {
  const [row] = await db
    .select({ seq: max(auditEvents.seq) })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.orgId, orgId),
        lte(auditEvents.createdAt, new Date(now.getTime() - FIRST_START_LOOKBACK_MS)),
      ),
    );
  return row?.seq ?? 0;
}

/** Active grants ending within EXPIRY_WARNING_MS get one warning per expiry time (an extension warns again). */
export async function collectExpiring(db: Db, orgId: string, now = new Date()): Promise<string[]> {
  const due = await db
    .select({ id: grants.id, userId: grants.userId, expiresAt: grants.expiresAt })
    .from(grants)
    .where(
      and(
        eq(grants.orgId, orgId),
        eq(grants.status, "active"),
        gt(grants.expiresAt, now),
        lte(grants.expiresAt, new Date(now.getTime() + EXPIRY_WARNING_MS)),
      ),
    );
  const rows: NewDelivery[] = [];
  for (const g of due) {
    const r = await recipient(db, g.userId);
    if (!r || !g.expiresAt) continue;
    rows.push(
      ...forRecipient(
        r,
        {
          orgId,
          kind: "grant.expiring",
          subjectId: g.id,
          payload: { grantId: g.id, expiresAt: g.expiresAt.toISOString() },
        },
        `grant.expiring:${g.id}:${g.expiresAt.toISOString()}`,
      ),
    );
  }
  return rows.length ? insertDeliveries(db, rows) : [];
}

/** Pending deliveries whose retry time has come (the inline driver's retries). */
export async function dueDeliveries(
  db: Db,
  now = new Date(),
  limit = 1000,
): Promise<{ id: string; orgId: string }[]> {
  return db
    .select({ id: notificationDeliveries.id, orgId: notificationDeliveries.orgId })
    .from(notificationDeliveries)
    .where(and(eq(notificationDeliveries.status, "pending"), lte(notificationDeliveries.nextAttemptAt, now)))
    .orderBy(asc(notificationDeliveries.nextAttemptAt))
    .limit(limit);
}
