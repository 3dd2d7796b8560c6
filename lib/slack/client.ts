import { WebClient } from "@slack/web-api";
import { env } from "@/lib/env";

/** True when the operator configured a Slack app (a bot token). */
export function slackConfigured(): boolean {
  return Boolean(env().SLACK_BOT_TOKEN);
}

let cached: { key: string; client: WebClient } | undefined;

/**
 * The Slack Web API through the official client (@slack/web-api). SLACK_API_URL points it elsewhere
 * (the loopback fake in tests, lib/slack/fake.ts); the client's own retries are off, since failed
 * deliveries are retried by the workflow driver (lib/notify/deliver.ts).
 */
export function slackClient(): WebClient {
  const e = env();
  if (!e.SLACK_BOT_TOKEN) throw new Error("Slack is not configured: set SLACK_BOT_TOKEN");
  const base = e.SLACK_API_URL ?? "https://slack.com/api/";
  const slackApiUrl = base.endsWith("/") ? base : `${base}/`;
  const key = `${e.SLACK_BOT_TOKEN}|${slackApiUrl}`;
  if (cached?.key !== key) {
    cached = {
      key,
      client: new WebClient(e.SLACK_BOT_TOKEN, {
        slackApiUrl,
        retryConfig: { retries: 0 },
        rejectRateLimitedCalls: true,
      }),
    };
  }
  return cached.client;
}

const slackIds = new Map<string, { id: string | null; at: number }>();
const SLACK_ID_TTL_MS = 10 * 60_000;

/** The Slack user id for an email (users.lookupByEmail), cached for ten minutes; null when none. */
export async function slackUserIdFor(email: string): Promise<string | null> {
  const hit = slackIds.get(email);
  if (hit && Date.now() - hit.at < SLACK_ID_TTL_MS) return hit.id;
  let id: string | null = null;
  try {
    const res = await slackClient().users.lookupByEmail({ email });
    id = res.user?.id ?? null;
  } catch (err) {
    if ((err as { data?: { error?: string } }).data?.error !== "users_not_found") throw err;
  }
  slackIds.set(email, { id, at: Date.now() });
  return id;
}

/**
 * The verified email of a Slack user (users.info: `profile.email` with `is_email_confirmed`), or null
 * when Slack has none or it is not confirmed: only a confirmed address maps a Slack user to a person.
 */
export async function verifiedEmailOf(slackUserId: string): Promise<string | null> {
  const res = await slackClient().users.info({ user: slackUserId });
  const user = res.user as { is_email_confirmed?: boolean; deleted?: boolean; profile?: { email?: string } };
  if (!user || user.deleted || user.is_email_confirmed !== true) return null;
  return user.profile?.email?.toLowerCase() ?? null;
}
