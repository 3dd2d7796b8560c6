import { env } from "@/lib/env";

export type OriginConfig = {
  /** Reverse proxies in front of the server whose X-Forwarded-Host/-Proto are believed; 0 → none. */
  trustedProxyHops: number;
  /** The public URL (NEXTAUTH_URL): its origin is always this server's. */
  publicUrl?: string;
};

function configFromEnv(): OriginConfig {
  const e = env();
  return { trustedProxyHops: e.ELEVATE_TRUSTED_PROXY ?? 0, publicUrl: e.NEXTAUTH_URL };
}

/**
 * The value the outermost trusted proxy wrote: each proxy appends to the list, so with `hops` trusted
 * proxies the entry `hops` from the end is the first one a trusted proxy wrote; anything before it came
 * from the client and is ignored.
 */
export function forwarded(value: string | null, hops: number): string | undefined {
  const list = (value ?? "")
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean);
  return list.length ? list[Math.max(0, list.length - hops)] : undefined;
}

/**
 * The client's address for per-address rate limits: the X-Forwarded-For entry the outermost trusted
 * proxy wrote, only when ELEVATE_TRUSTED_PROXY is set. Otherwise "direct": a route handler is not told
 * the peer's socket address, and a client-sent X-Forwarded-For would let anyone pick their bucket (a fresh
 * one per request, or a victim's), so every unproxied client shares one bucket.
 */
export function clientAddress(request: Request, config: OriginConfig = configFromEnv()): string {
  const hops = config.trustedProxyHops;
  const address = hops > 0 ? forwarded(request.headers.get("x-forwarded-for"), hops) : undefined;
  return address?.toLowerCase() || "direct";
}

/**
 * True when the request's Origin names this server. Browsers send Origin on every cross-site POST and a
 * page cannot forge it, so a missing or foreign Origin is refused. This server is the public URL
 * (NEXTAUTH_URL) or the Host header; X-Forwarded-Host and X-Forwarded-Proto are believed only from a
 * configured proxy (ELEVATE_TRUSTED_PROXY), since any client can send them.
 */
export function isSameOrigin(request: Request, config: OriginConfig = configFromEnv()): boolean {
  const raw = request.headers.get("origin");
  if (!raw || raw === "null" || !URL.canParse(raw)) return false;
  const origin = new URL(raw);
  if (
    config.publicUrl &&
    URL.canParse(config.publicUrl) &&
    new URL(config.publicUrl).origin === origin.origin
  ) {
    return true;
  }
  const hops = config.trustedProxyHops;
  const proxiedHost = hops > 0 ? forwarded(request.headers.get("x-forwarded-host"), hops) : undefined;
  const proxiedProto = hops > 0 ? forwarded(request.headers.get("x-forwarded-proto"), hops) : undefined;
  const host = proxiedHost ?? request.headers.get("host")?.trim();
  if (!host || origin.host.toLowerCase() !== host.toLowerCase()) return false;
  return !proxiedProto || origin.protocol === `${proxiedProto.toLowerCase()}:`;
}
