import { and, eq, inArray, isNull, lt, or } from "drizzle-orm";
import type { Db } from "@/db/client";
import { accessReviewItems, accessReviews, users } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { sendMail } from "@/lib/delivery/email";
import { env } from "@/lib/env";
import { logger } from "@/lib/log";
import { systemCtx } from "@/lib/workflows/system-ctx";

/** One reminder a day per open campaign while items are pending. */
export const REMINDER_INTERVAL_MS = 86_400_000;

/**
 * Mails the reviewers of open campaigns with pending items: token owners about their own tokens, the
 * campaign's reminder addresses about templates and memberships. A failed send is logged and retried on
 * the next pass (the campaign's reminder time only moves on success).
 */
export async function remindAccessReviewers({
  db,
  now = new Date(),
  orgId,
  smtpUrl,
  baseUrl = "",
}: {
  db: Db;
  now?: Date;
  orgId?: string;
  smtpUrl?: string;
  baseUrl?: string;
}): Promise<{ reminded: number; failed: number }> {
  const out = { reminded: 0, failed: 0 };
  // Without a mail server there is no channel: the reminders wait (no failure logged every minute).
  if (!smtpUrl && !env().ELEVATE_SMTP_URL) return out;
  const open = await db
    .select()
    .from(accessReviews)
    .where(
      and(
        eq(accessReviews.status, "open"),
        or(
          isNull(accessReviews.lastRemindedAt),
          lt(accessReviews.lastRemindedAt, new Date(now.getTime() - REMINDER_INTERVAL_MS)),
        ),
        orgId ? eq(accessReviews.orgId, orgId) : undefined,
      ),
    );
  for (const review of open) {
    const pending = await db
      .select({ kind: accessReviewItems.kind, label: accessReviewItems.label, owner: users.email })
      .from(accessReviewItems)
      .leftJoin(users, eq(users.id, accessReviewItems.ownerId))
      .where(
        and(eq(accessReviewItems.reviewId, review.id), inArray(accessReviewItems.decision, ["pending"])),
      );
    if (pending.length === 0) continue;
    const byRecipient = new Map<string, string[]>();
    const add = (to: string, line: string) => byRecipient.set(to, [...(byRecipient.get(to) ?? []), line]);
    for (const p of pending) {
      if (p.kind === "token" && p.owner) add(p.owner, `${p.kind}: ${p.label}`);
      else for (const to of review.remindEmails) add(to, `${p.kind}: ${p.label}`);
    }
    try {
      for (const [to, lines] of byRecipient) {
        await sendMail(
          {
            to: [to],
            subject: `Elevate access review "${review.name}": ${lines.length} item(s) to confirm or remove by ${review.dueAt.toISOString().slice(0, 10)}`,
            text: `Please confirm or remove each item at ${baseUrl}/reviews/${review.id}\n\n${lines.join("\n")}\n`,
          },
          { smtpUrl },
        );
      }
      await db.transaction(async (tx) => {
        await tx.update(accessReviews).set({ lastRemindedAt: now }).where(eq(accessReviews.id, review.id));
        await appendAudit(tx, systemCtx(tx, review.orgId, "access-review-reminders"), {
          action: "access_review.reminded",
          subjectType: "access_review",
          subjectId: review.id,
          data: { recipients: [...byRecipient.keys()], pending: pending.length },
        });
      });
      out.reminded += 1;
    } catch (err) {
      logger.warn(
        { job: "access-review-reminders", orgId: review.orgId, reviewId: review.id, err },
        "review reminder failed",
      );
      out.failed += 1;
    }
  }
  return out;
}
