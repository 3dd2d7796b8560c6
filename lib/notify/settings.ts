import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { NOTIFY_CHANNELS, type NotifyChannel, notificationSettings } from "@/db/schema";
import { appendAudit } from "@/lib/audit/append";
import { type Ctx, requirePerson } from "@/lib/ctx";
import { webhookUrlProblem } from "@/lib/delivery/webhook";
import { parseInput, Validation } from "@/lib/errors";

export type NotificationSettingsDto = {
  channels: NotifyChannel[];
  webhookUrl: string | null;
  /** Shown to its owner only, to verify the `x-elevate-signature` header. */
  webhookSecret: string | null;
};

export const UpdateNotificationSettingsInput = z.object({
  channels: z.array(z.enum(NOTIFY_CHANNELS)).max(NOTIFY_CHANNELS.length),
  webhookUrl: z.string().trim().max(2000).nullish(),
  /** A new secret for the webhook (the old one stops verifying at once). */
  rotateSecret: z.boolean().optional(),
});
export type UpdateNotificationSettingsInput = z.input<typeof UpdateNotificationSettingsInput>;

const DEFAULTS: NotificationSettingsDto = { channels: ["email"], webhookUrl: null, webhookSecret: null };

/** The signed-in person's own channels (email only until they choose). */
export async function getNotificationSettings({ ctx }: { ctx: Ctx }): Promise<NotificationSettingsDto> {
  const actor = requirePerson(ctx);
  const [row] = await ctx.db
    .select()
    .from(notificationSettings)
    .where(eq(notificationSettings.userId, actor.userId));
  return row
    ? { channels: row.channels, webhookUrl: row.webhookUrl, webhookSecret: row.webhookSecret }
    : DEFAULTS;
}

/** Each person chooses their own channels; a webhook URL must pass the endpoint policy. Audited. */
export async function updateNotificationSettings({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: UpdateNotificationSettingsInput;
}): Promise<NotificationSettingsDto> {
  const actor = requirePerson(ctx);
  const data = parseInput(UpdateNotificationSettingsInput, input);
  const channels = [...new Set(data.channels)];
  const webhookUrl = data.webhookUrl ? data.webhookUrl : null;
  if (webhookUrl) {
    const problem = webhookUrlProblem(webhookUrl);
    if (problem) throw Validation("webhookUrl", problem);
  }
  if (channels.includes("webhook") && !webhookUrl)
    throw Validation("webhookUrl", "is required for the webhook channel");
  return ctx.db.transaction(async (tx) => {
    const [prior] = await tx
      .select()
      .from(notificationSettings)
      .where(eq(notificationSettings.userId, actor.userId))
      .for("update");
    const webhookSecret = webhookUrl
      ? prior?.webhookSecret && !data.rotateSecret
        ? prior.webhookSecret
        : `whsec_${randomBytes(24).toString("hex")}`
      : null;
    const values = {
      userId: actor.userId,
      orgId: ctx.orgId,
      channels,
      webhookUrl,
      webhookSecret,
      updatedAt: new Date(),
    };
    await tx
      .insert(notificationSettings)
      .values(values)
      .onConflictDoUpdate({
        target: notificationSettings.userId,
        set: { channels, webhookUrl, webhookSecret, updatedAt: values.updatedAt },
      });
    await appendAudit(tx, ctx, {
      action: "notifications.settings_changed",
      subjectType: "user",
      subjectId: actor.userId,
      // Never the secret: only that it changed.
      data: { channels, webhookUrl, secretRotated: webhookSecret !== (prior?.webhookSecret ?? null) },
    });
    return { channels, webhookUrl, webhookSecret };
  });
}
