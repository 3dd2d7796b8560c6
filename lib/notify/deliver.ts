import { and, eq, inArray, isNotNull, lte, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { notificationDeliveries, notificationSettings, users } from "@/db/schema";
import { MailError, sendMail } from "@/lib/delivery/email";
import { postSignedWebhook, WebhookError } from "@/lib/delivery/webhook";
import { logger } from "@/lib/log";
import { slackClient, slackUserIdFor } from "@/lib/slack/client";
import { grantContext, portalUrl, requestContext } from "./context";
import { type Rendered, renderAlert, renderGrant, renderRequest } from "./render";

type DeliveryRow = typeof notificationDeliveries.$inferSelect;

/** Attempts before a delivery is marked failed; the waits between them grow (BACKOFF_MS × 2^n, capped). */
export const MAX_ATTEMPTS = 8;
const BACKOFF_MS = 5_000;
const MAX_BACKOFF_MS = 30 * 60_000;
/** A claimed delivery is someone's for this long: a crashed sender's claim expires and the next pass retries. */
const LEASE_MS = 2 * 60_000;
const CONCURRENCY = 16;

/** A failure no retry can fix (no address, a refused URL, a Slack user that does not exist). */
export class PermanentDeliveryError extends Error {}

export const backoffMs = (attempts: number) =>
  Math.min(MAX_BACKOFF_MS, BACKOFF_MS * 2 ** Math.max(0, attempts - 1));

async function render(db: Db, d: DeliveryRow): Promise<Rendered> {
  const p = d.payload as { requestId?: string; grantId?: string; kind?: string; message?: string };
  switch (d.kind) {
    case "request.created":
    case "request.updated":
    case "request.decided":
      return renderRequest(d.kind, await requestContext(db, d.orgId, String(p.requestId)));
    case "grant.active":
    case "grant.expiring":
    case "grant.revoked":
      return renderGrant(d.kind, await grantContext(db, d.orgId, String(p.grantId)));
    case "alert":
      return renderAlert({
        kind: String(p.kind),
        message: String(p.message ?? ""),
        grantId: p.grantId ?? null,
        url: `${portalUrl()}/admin/health`,
      });
  }
}

type Sent = { slackChannel?: string; slackTs?: string };

/** Rendered messages by kind and subject: a fan-out to 1,000 approvers renders the request once. */
type RenderCache = Map<string, Promise<Rendered>>;

function renderOnce(db: Db, d: DeliveryRow, cache: RenderCache): Promise<Rendered> {
  const key = `${d.orgId}:${d.kind}:${d.subjectId}:${JSON.stringify(d.payload)}`;
  let hit = cache.get(key);
  if (!hit) {
    hit = render(db, d);
    cache.set(key, hit);
    hit.catch(() => cache.delete(key));
  }
  return hit;
}

async function send(db: Db, d: DeliveryRow, cache: RenderCache): Promise<Sent> {
  const [person] = d.userId
    ? await db.select({ email: users.email }).from(users).where(eq(users.id, d.userId))
    : [undefined];
  if (d.kind === "request.updated") return updateSlackMessages(db, d);
  const msg = await renderOnce(db, d, cache);
  switch (d.channel) {
    case "email": {
      if (!person) throw new PermanentDeliveryError("no recipient");
      await sendMail({ to: [person.email], subject: msg.subject, text: msg.text, html: msg.html });
      return {};
    }
    case "webhook": {
      const [s] = d.userId
        ? await db
            .select({ url: notificationSettings.webhookUrl, secret: notificationSettings.webhookSecret })
            .from(notificationSettings)
            .where(eq(notificationSettings.userId, d.userId))
        : [];
      if (!s?.url || !s.secret) throw new PermanentDeliveryError("no webhook configured");
      await postSignedWebhook(s.url, s.secret, {
        ...msg.webhook,
        deliveryId: d.id,
        sentAt: new Date().toISOString(),
      });
      return {};
    }
    case "slack": {
      let channel: string | null;
      if (d.userId) {
        channel = person ? await slackUserIdFor(person.email) : null;
        if (!channel) throw new PermanentDeliveryError("no Slack user with this email");
      } else {
        channel = d.dedupeKey.split(":channel:")[1] ?? null;
        if (!channel) throw new PermanentDeliveryError("no Slack channel");
      }
      const res = await slackClient().chat.postMessage({
        channel,
        text: msg.slack.text,
        blocks: msg.slack.blocks as never,
      });
      return { slackChannel: String(res.channel ?? channel), slackTs: String(res.ts) };
    }
  }
}

/** chat.update on every Slack message sent about the request, with its state now. */
async function updateSlackMessages(db: Db, d: DeliveryRow): Promise<Sent> {
  const requestId = String((d.payload as { requestId?: string }).requestId);
  const messages = await db
    .select({ channel: notificationDeliveries.slackChannel, ts: notificationDeliveries.slackTs })
    .from(notificationDeliveries)
    .where(
      and(
        eq(notificationDeliveries.orgId, d.orgId),
        eq(notificationDeliveries.subjectId, requestId),
        eq(notificationDeliveries.kind, "request.created"),
        eq(notificationDeliveries.channel, "slack"),
        isNotNull(notificationDeliveries.slackTs),
      ),
    );
  if (messages.length === 0) return {};
  const msg = renderRequest("request.updated", await requestContext(db, d.orgId, requestId));
  const client = slackClient();
  await Promise.all(
    messages.map((m) =>
      client.chat.update({
        channel: String(m.channel),
        ts: String(m.ts),
        text: msg.slack.text,
        blocks: msg.slack.blocks as never,
      }),
    ),
  );
  return {};
}

function permanent(err: unknown): boolean {
  if (err instanceof PermanentDeliveryError) return true;
  if (err instanceof WebhookError) return !err.retryable;
  if (err instanceof MailError) return true;
  // Slack's platform errors (ok: false) other than rate limits are answers, not outages.
  const code = (err as { code?: string }).code;
  return code === "slack_webapi_platform_error";
}

/**
 * Claims pending deliveries (the given ids, or every due one), sends each on its channel and records the
 * outcome. A claim moves `nextAttemptAt` a lease ahead (FOR UPDATE SKIP LOCKED: two senders never take
 * the same row). `force` ignores `nextAttemptAt` for the given ids: the Inngest function retries on its own
 * schedule. Returns what happened, and the ids still pending (to retry).
 */
export async function deliverNotifications({
  db,
  ids,
  force = false,
  now = new Date(),
  limit = 1000,
}: {
  db: Db;
  ids?: string[];
  force?: boolean;
  now?: Date;
  limit?: number;
}): Promise<{ sent: number; failed: number; retrying: string[] }> {
  if (ids && ids.length === 0) return { sent: 0, failed: 0, retrying: [] };
  const claimed = await db.transaction(async (tx) => {
    const conditions = [eq(notificationDeliveries.status, "pending")];
    if (ids) conditions.push(inArray(notificationDeliveries.id, ids));
    if (!ids || !force) conditions.push(lte(notificationDeliveries.nextAttemptAt, now));
    const rows = await tx
      .select({ id: notificationDeliveries.id })
      .from(notificationDeliveries)
      .where(and(...conditions))
      .limit(ids ? ids.length : limit)
      .for("update", { skipLocked: true });
    if (rows.length === 0) return [];
    return tx
      .update(notificationDeliveries)
      .set({
        attempts: sql`${notificationDeliveries.attempts} + 1`,
        nextAttemptAt: new Date(now.getTime() + LEASE_MS),
      })
      .where(
        inArray(
          notificationDeliveries.id,
          rows.map((r) => r.id),
        ),
      )
      .returning();
  });
  let sent = 0;
  let failed = 0;
  const retrying: string[] = [];
  let next = 0;
  const cache: RenderCache = new Map();
  async function worker() {
    while (next < claimed.length) {
      const d = claimed[next++];
      try {
        const out = await send(db, d, cache);
        await db
          .update(notificationDeliveries)
          .set({
            status: "sent",
            sentAt: new Date(),
            lastError: null,
            slackChannel: out.slackChannel,
            slackTs: out.slackTs,
          })
          .where(eq(notificationDeliveries.id, d.id));
        sent += 1;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        const giveUp = permanent(err) || d.attempts >= MAX_ATTEMPTS;
        await db
          .update(notificationDeliveries)
          .set({
            status: giveUp ? "failed" : "pending",
            lastError: message.slice(0, 500),
            nextAttemptAt: new Date(Date.now() + backoffMs(d.attempts)),
          })
          .where(eq(notificationDeliveries.id, d.id));
        if (giveUp) failed += 1;
        else retrying.push(d.id);
        logger.warn(
          { deliveryId: d.id, channel: d.channel, kind: d.kind, attempts: d.attempts, err: message },
          giveUp ? "notification failed" : "notification will be retried",
        );
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, claimed.length) }, worker));
  return { sent, failed, retrying };
}
