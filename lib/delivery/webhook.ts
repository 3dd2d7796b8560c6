import { createHmac, timingSafeEqual } from "node:crypto";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import {
  ALLOWLIST_VAR,
  allowlisted,
  egressPolicy,
  isInternalHost,
  isMetadataHost,
  scrubNetworkDetail,
} from "@/lib/clouds/egress";

/**
 * Signed webhooks. The signature header is `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`
 * under a secret shared with the receiver, the scheme Stripe documents
 * (https://docs.stripe.com/webhooks#verify-manually): the timestamp is signed with the body, so a
 * captured delivery cannot be replayed later than the receiver's tolerance.
 *
 * Webhook URLs are set by admins and users, so they go through the same endpoint policy as cloud
 * endpoints (lib/clouds/egress.ts, docs/security.md): https only, no credentials in the URL, no
 * loopback/private/link-local address, not by literal and not by what the name resolves to at connect
 * time (DNS rebinding), unless the operator lists the exact origin in ELEVATE_ENDPOINT_ALLOWLIST;
 * metadata addresses never.
 */

export const SIGNATURE_HEADER = "x-elevate-signature";
export const DEFAULT_TOLERANCE_SECONDS = 300;
const TIMEOUT_MS = 10_000;

const hmacHex = (secret: string, timestamp: number, body: string) =>
  createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");

/** The header value for this body at this time: `t=<timestamp>,v1=<hex>`. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new Error("timestamp: whole seconds");
  return `t=${timestamp},v1=${hmacHex(secret, timestamp, body)}`;
}

/**
 * True when the header carries a v1 signature of this body under the secret, with a timestamp within
 * `toleranceSeconds` of now (either side). Several v1 entries are allowed (secret rotation); each is
 * compared in constant time. A malformed header is false, never an exception.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string,
  body: string,
  nowSeconds: number,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): boolean {
  if (typeof header !== "string" || header.length > 4096) return false;
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === "t") {
      if (!/^\d{1,12}$/.test(value)) return false;
      timestamp = Number(value);
    } else if (key === "v1" && /^[0-9a-f]{64}$/i.test(value)) {
      candidates.push(value.toLowerCase());
    }
  }
  if (timestamp === undefined || candidates.length === 0) return false;
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(hmacHex(secret, timestamp, body), "hex");
  let ok = false;
  for (const c of candidates) {
    // No early exit: every candidate is compared.
    if (timingSafeEqual(expected, Buffer.from(c, "hex"))) ok = true;
  }
  return ok;
}

/** A delivery that failed: `retryable` when a later attempt may succeed (network, 5xx, 429). */
export class WebhookError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
    this.name = "WebhookError";
  }
}

/** Why this webhook URL may not be called, or undefined when it may (literal hosts only; names are checked at connect). */
export function webhookUrlProblem(url: string, policy = egressPolicy()): string | undefined {
  if (typeof url !== "string" || !URL.canParse(url)) return "must be a URL";
  const u = new URL(url);
  if (u.protocol !== "https:" && u.protocol !== "http:") return "must be an https:// URL";
  if (u.username || u.password) return "must not hold a user name or password";
  if (isMetadataHost(u.hostname)) return "points at a cloud metadata address, which may never be called";
  if (allowlisted(u, policy.allowlist)) return undefined;
  if (u.protocol !== "https:") return "must be an https:// URL";
  if (isInternalHost(u.hostname)) {
    return `points at a loopback, private or link-local address: only the server's operator can allow one (${ALLOWLIST_VAR})`;
  }
  return undefined;
}

/**
 * Resolves like dns.lookup but refuses internal addresses (always metadata ones): the check happens on
 * the address actually connected to, so a public name that resolves to a private address is refused.
 */
export function guardedLookup(allowInternal: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, "", 0);
      const bad = addresses.find(
        (a) => isMetadataHost(a.address) || (!allowInternal && isInternalHost(a.address)),
      );
      if (bad) {
        const e = Object.assign(new Error("refused: the name resolves to an internal address"), {
          code: "ELEVATE_REFUSED",
        });
        return callback(e, "", 0);
      }
      if ((options as { all?: boolean }).all)
        return (callback as never as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0];
      callback(null, first.address, first.family);
    });
  };
}

/**
 * POSTs the JSON body signed with the secret. Resolves with the HTTP status for 2xx–4xx (a 4xx is the
 * receiver's final answer: retrying cannot help) except 429; throws a retryable WebhookError on a
 * network failure, a timeout, 429 or 5xx (a workflow step retries it), and a non-retryable one when the
 * URL is refused by the endpoint policy. Redirects are not followed.
 */
export async function postSignedWebhook(
  url: string,
  secret: string,
  body: unknown,
): Promise<{ status: number }> {
  const policy = egressPolicy();
  const problem = webhookUrlProblem(url, policy);
  if (problem) throw new WebhookError(`webhook URL refused: it ${problem}`, false);
  const u = new URL(url);
  const allowInternal = allowlisted(u, policy.allowlist);
  const payload = JSON.stringify(body);
  const signature = signWebhook(secret, Math.floor(Date.now() / 1000), payload);
  const client = u.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      u,
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(payload),
          "user-agent": "Elevate-Webhook/1",
          [SIGNATURE_HEADER]: signature,
        },
        lookup: guardedLookup(allowInternal),
        timeout: TIMEOUT_MS,
      },
      (res) => {
        res.resume();
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          if (status >= 500 || status === 429) {
            reject(new WebhookError(`webhook answered ${status}`, true, status));
          } else resolve({ status });
        });
        res.on("error", (e) => reject(new WebhookError(scrubNetworkDetail(e.message), true)));
      },
    );
    req.on("timeout", () => req.destroy(new Error("ETIMEDOUT")));
    req.on("error", (e: Error & { code?: string }) => {
      if (e.code === "ELEVATE_REFUSED") reject(new WebhookError(`webhook URL refused: ${e.message}`, false));
      else reject(new WebhookError(`webhook delivery failed: ${scrubNetworkDetail(e.message)}`, true));
    });
    req.end(payload);
  });
}
