import { allowlisted, egressPolicy, isInternalHost, isMetadataHost } from "@/lib/clouds/egress";

/**
 * Why a report webhook may not be sent to this URL, or undefined when it may: the endpoint policy of cloud
 * endpoints (docs/security.md). https to a public host; a loopback, private or link-local address only when
 * the operator lists its origin in ELEVATE_ENDPOINT_ALLOWLIST; a metadata address never.
 */
export function webhookUrlProblem(url: string): string | undefined {
  if (!URL.canParse(url)) return "must be a URL";
  const u = new URL(url);
  if (u.protocol !== "https:" && u.protocol !== "http:") return "must be an https:// URL";
  if (u.username || u.password) return "must not hold a user name or password";
  if (isMetadataHost(u.hostname)) return "points at a cloud metadata address, which is never allowed";
  if (allowlisted(u, egressPolicy().allowlist)) return undefined;
  if (isInternalHost(u.hostname))
    return "points at a loopback, private or link-local address: only the server's operator can allow one (ELEVATE_ENDPOINT_ALLOWLIST)";
  if (u.protocol !== "https:") return "must be an https:// URL";
  return undefined;
}
