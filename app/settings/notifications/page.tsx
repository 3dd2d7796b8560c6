import { Button } from "@/components/ui/button";
import { TitledCard } from "@/components/ui/card";
import { requireSessionCtx } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { getNotificationSettings } from "@/lib/notify";
import { saveNotificationSettingsAction } from "./actions";

export const metadata = { title: "Notifications" };

const CHANNELS = [
  { value: "email", label: "Email", help: "to your sign-in address" },
  {
    value: "slack",
    label: "Slack",
    help: "a direct message from the Elevate app (approvers get Approve/Deny buttons)",
  },
  {
    value: "webhook",
    label: "Signed webhook",
    help: "a JSON POST to your URL, signed with the secret below",
  },
] as const;

/** Each person chooses where Elevate tells them about requests, decisions, grants and (admins) alerts. */
export default async function NotificationSettingsPage({
  searchParams,
}: {
  searchParams: Promise<{ saved?: string; error?: string }>;
}) {
  const ctx = await requireSessionCtx();
  const settings = await getNotificationSettings({ ctx });
  const { saved, error } = await searchParams;
  const slack = Boolean(env().SLACK_BOT_TOKEN);
  return (
    <div className="max-w-2xl space-y-6">
      <h1 className="text-2xl font-bold">Notifications</h1>
      {saved ? (
        <p role="status" className="rounded-md bg-muted p-3 text-sm">
          Saved.
        </p>
      ) : null}
      {error ? (
        <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-800">
          {error}
        </p>
      ) : null}
      <TitledCard
        id="channels"
        title="Your channels"
        description="New requests to approve, decisions, grants going live, expiring or revoked."
      >
        <form action={saveNotificationSettingsAction} className="space-y-4">
          <fieldset className="space-y-2">
            <legend className="sr-only">Channels</legend>
            {CHANNELS.map((c) => (
              <label key={c.value} className="flex items-start gap-2">
                <input
                  type="checkbox"
                  name="channels"
                  value={c.value}
                  defaultChecked={settings.channels.includes(c.value)}
                  disabled={c.value === "slack" && !slack}
                />
                <span>
                  <span className="font-medium">{c.label}</span>{" "}
                  <span className="text-sm text-muted-foreground">
                    {c.help}
                    {c.value === "slack" && !slack ? " (not configured on this server)" : ""}
                  </span>
                </span>
              </label>
            ))}
          </fieldset>
          <label className="block space-y-1">
            <span className="text-sm font-medium">Webhook URL (https)</span>
            <input
              name="webhookUrl"
              type="url"
              defaultValue={settings.webhookUrl ?? ""}
              placeholder="https://hooks.example.com/elevate"
              className="w-full rounded-md border px-3 py-2"
            />
          </label>
          {settings.webhookSecret ? (
            <div className="space-y-1 text-sm">
              <p>
                Signing secret (verify <code>x-elevate-signature: t=…,v1=…</code>, HMAC-SHA256 of{" "}
                <code>{"<t>.<body>"}</code>):
              </p>
              <code className="block break-all rounded bg-muted p-2">{settings.webhookSecret}</code>
              <label className="flex items-center gap-2">
                <input type="checkbox" name="rotateSecret" /> Rotate the secret on save
              </label>
            </div>
          ) : null}
          <Button type="submit">Save</Button>
        </form>
      </TitledCard>
    </div>
  );
}
