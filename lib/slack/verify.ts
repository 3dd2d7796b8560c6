import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Slack's request signing (https://api.slack.com/authentication/verifying-requests-from-slack):
 * `X-Slack-Signature` is `v0=` + hex HMAC-SHA256, under the app's signing secret, of
 * `v0:<X-Slack-Request-Timestamp>:<raw body>`; requests whose timestamp is more than five minutes from
 * now are refused, so a captured request cannot be replayed later.
 */
export const SLACK_MAX_SKEW_SECONDS = 5 * 60;

export function slackSignature(secret: string, timestamp: string | number, rawBody: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${rawBody}`).digest("hex")}`;
}

export type SlackVerdict = { ok: true } | { ok: false; reason: string };

/** Checks the signature headers against the raw body (before any parsing). */
export function verifySlackRequest(
  secret: string,
  headers: { timestamp: string | null; signature: string | null },
  rawBody: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): SlackVerdict {
  const { timestamp, signature } = headers;
  if (!timestamp || !/^\d{1,12}$/.test(timestamp))
    return { ok: false, reason: "missing or malformed timestamp" };
  if (Math.abs(nowSeconds - Number(timestamp)) > SLACK_MAX_SKEW_SECONDS) {
    return { ok: false, reason: "timestamp outside five minutes" };
  }
  if (!signature || !/^v0=[0-9a-f]{64}$/.test(signature))
    return { ok: false, reason: "missing or malformed signature" };
  const expected = Buffer.from(slackSignature(secret, timestamp, rawBody));
  if (!timingSafeEqual(expected, Buffer.from(signature))) return { ok: false, reason: "signature mismatch" };
  return { ok: true };
}
