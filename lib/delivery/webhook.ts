import { createHmac, timingSafeEqual } from "node:crypto";

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, the scheme Stripe documents for its webhooks. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  const mac = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
  return `t=${timestamp},v1=${mac}`;
}

/** True when `header` signs `body` with `secret` and its time is within `toleranceSeconds` of now. */
export function verifyWebhookSignature(
  secret: string,
  header: string,
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const parts = new Map<string, string[]>();
  for (const item of header.split(",")) {
    const eq = item.indexOf("=");
    if (eq <= 0) continue;
    const k = item.slice(0, eq).trim();
    parts.set(k, [...(parts.get(k) ?? []), item.slice(eq + 1).trim()]);
  }
  const t = parts.get("t")?.[0];
  if (!t || !/^\d{1,12}$/.test(t)) return false;
  const timestamp = Number(t);
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body).split("v1=")[1], "hex");
  return (parts.get("v1") ?? []).some((v) => {
    if (!/^[0-9a-f]{64}$/i.test(v)) return false;
    return timingSafeEqual(Buffer.from(v, "hex"), expected);
  });
}

/**
 * POSTs `body` as JSON with an `Elevate-Signature` header. Throws on a network error or a 5xx (and on 429),
 * so the caller's workflow retries; a 4xx is returned, since sending it again would not change the answer.
 */
export async function postSignedWebhook(
  url: string,
  secret: string,
  body: unknown,
): Promise<{ status: number }> {
  const text = JSON.stringify(body);
  const signature = signWebhook(secret, Math.floor(Date.now() / 1000), text);
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "elevate-signature": signature },
    body: text,
    redirect: "manual",
    signal: AbortSignal.timeout(15_000),
  });
  await res.body?.cancel();
  if (res.status >= 500 || res.status === 429) throw new Error(`webhook answered ${res.status}`);
  return { status: res.status };
}
