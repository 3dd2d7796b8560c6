"use server";

import { redirect } from "next/navigation";
import { requireSessionCtx } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { updateNotificationSettings } from "@/lib/notify";

/** Saves the person's own channels; a refused webhook URL comes back as a message naming the field. */
export async function saveNotificationSettingsAction(form: FormData): Promise<void> {
  const ctx = await requireSessionCtx();
  const channels = form.getAll("channels").map(String) as ("email" | "slack" | "webhook")[];
  const webhookUrl = String(form.get("webhookUrl") ?? "").trim() || null;
  let query = "saved=1";
  try {
    await updateNotificationSettings({
      ctx,
      input: { channels, webhookUrl, rotateSecret: form.get("rotateSecret") === "on" },
    });
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    query = `error=${encodeURIComponent(err.message)}`;
  }
  redirect(`/settings/notifications?${query}`);
}
