import { BlockList, isIP } from "node:net";
import { CloudError } from "@/lib/clouds/port";
import { env } from "@/lib/env";
import { logger } from "@/lib/log";

/**
 * Where a target may send requests, and which server variables it may send. An admin edits a target's
 * settings; the operator owns the server. So an admin may point a target only at the clouds' official
 * hosts, and name only variables under the operator's credential prefix; anything else (a fake, a VPC
 * endpoint) the operator allows in ELEVATE_ENDPOINT_ALLOWLIST. Checked when settings are saved and again
 * whenever an adapter is built, since rows saved under older rules exist. See docs/security.md.
 */

export type EgressCloud = "aws" | "gcp" | "azure" | "kubernetes" | "okta";

/** The public API hosts of each cloud (https, port 443), partitions and sovereign clouds included. */
export const OFFICIAL_HOSTS: Record<EgressCloud, readonly string[]> = {
  aws: ["iam.amazonaws.com", "iam.us-gov.amazonaws.com", "iam.cn-north-1.amazonaws.com.cn"],
  gcp: ["iam.googleapis.com", "cloudresourcemanager.googleapis.com"],
  azure: ["management.azure.com", "management.usgovcloudapi.net", "management.chinacloudapi.cn"],
  // A cluster's API server has no public host name: every one is an origin the operator allowlists.
  kubernetes: [],
  // Every Okta org has its own host under these domains (isOfficialEndpoint matches the suffix).
  okta: ["<org>.okta.com", "<org>.oktapreview.com", "<org>.okta-emea.com", "<org>.okta-gov.com"],
};

/** Okta org URLs: one subdomain label under Okta's own domains (https://developer.okta.com/docs/api/#url-namespace). */
const OKTA_ORG_HOST = /^[a-z0-9][a-z0-9-]{0,62}\.(okta|oktapreview|okta-emea|okta-gov)\.com$/;

const CLOUD_API: Record<EgressCloud, string> = {
  aws: "AWS IAM",
  gcp: "Google Cloud",
  azure: "Azure Resource Manager",
  kubernetes: "Kubernetes API server",
  okta: "Okta management API",
};

export const ALLOWLIST_VAR = "ELEVATE_ENDPOINT_ALLOWLIST";
export const PRODUCTION_OVERRIDE_VAR = "ELEVATE_ALLOW_ENDPOINT_OVERRIDE_IN_PRODUCTION";
export const PREFIX_VAR = "ELEVATE_CLOUD_CREDENTIAL_PREFIX";
export const DEFAULT_CREDENTIAL_PREFIX = "ELEVATE_CLOUD_";

/** One operator-allowed origin; `port: "*"` only for a loopback host. */
export type AllowedOrigin = { protocol: "http:" | "https:"; hostname: string; port: number | "*" };

export type EgressPolicy = {
  /** The allowlist in force: empty in production unless the operator opted in. */
  allowlist: readonly AllowedOrigin[];
  credentialPrefixes: readonly string[];
};

// ---------------------------------------------------------------------------------------------------
// Addresses

/** IPv4 and IPv6 rules in separate lists: a BlockList also matches IPv4 addresses against IPv6 rules. */
const subnets = (type: "ipv4" | "ipv6", nets: [string, number][]) => {
  const list = new BlockList();
  for (const [net, prefix] of nets) list.addSubnet(net, prefix, type);
  return list;
};

/** Not on the public internet: loopback, private, shared, link-local, documentation, multicast, reserved. */
const INTERNAL = {
  ipv4: subnets("ipv4", [
    ["0.0.0.0", 8],
    ["10.0.0.0", 8],
    ["100.64.0.0", 10],
    ["127.0.0.0", 8],
    ["169.254.0.0", 16],
    ["172.16.0.0", 12],
    ["192.0.0.0", 24],
    ["192.0.2.0", 24],
    ["192.168.0.0", 16],
    ["198.18.0.0", 15],
    ["198.51.100.0", 24],
    ["203.0.113.0", 24],
    ["224.0.0.0", 4],
    ["240.0.0.0", 4],
  ]),
  ipv6: subnets("ipv6", [
    ["::", 96], // unspecified, loopback, IPv4-compatible
    ["::ffff:0:0", 96], // IPv4-mapped (literalAddress checks these as IPv4 first)
    ["64:ff9b::", 96], // NAT64 can reach any IPv4 address, private ones included
    ["64:ff9b:1::", 48],
    ["100::", 64],
    ["2001:db8::", 32],
    ["2002::", 16], // 6to4 embeds an IPv4 address
    ["fc00::", 7],
    ["fe80::", 10],
    ["ff00::", 8],
  ]),
};

/** Instance metadata services (credentials of the machine itself): never callable, allowlist or not. */
const METADATA = {
  ipv4: subnets("ipv4", [
    ["169.254.0.0", 16],
    ["100.100.100.200", 32],
  ]),
  ipv6: subnets("ipv6", [
    ["fe80::", 10],
    ["fd00:ec2::254", 128],
  ]),
};
const METADATA_NAMES = new Set([
  "metadata",
  "metadata.google.internal",
  "instance-data",
  "instance-data.ec2.internal",
]);

/** A URL's hostname as an address: IPv6 without brackets, IPv4-mapped IPv6 as its IPv4 address. */
function literalAddress(hostname: string): { address: string; type: "ipv4" | "ipv6" } | undefined {
  const host = hostname.replace(/^\[(.*)\]$/, "$1");
  const family = isIP(host);
  if (family === 4) return { address: host, type: "ipv4" };
  if (family !== 6) return undefined;
  // WHATWG URLs print ::ffff:169.254.169.254 as ::ffff:a9fe:a9fe.
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(host);
  if (mapped) {
    const hi = Number.parseInt(mapped[1], 16);
    const lo = Number.parseInt(mapped[2], 16);
    return { address: [hi >> 8, hi & 255, lo >> 8, lo & 255].join("."), type: "ipv4" };
  }
  return { address: host, type: "ipv6" };
}

function isLoopbackHost(hostname: string): boolean {
  if (hostname === "localhost" || hostname.endsWith(".localhost")) return true;
  const ip = literalAddress(hostname);
  if (!ip) return false;
  return ip.type === "ipv4" ? ip.address.startsWith("127.") : ip.address === "::1";
}

/** True for a cloud metadata address or name: the machine's own credentials live there. */
export function isMetadataHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (METADATA_NAMES.has(host)) return true;
  const ip = literalAddress(host);
  return ip !== undefined && METADATA[ip.type].check(ip.address, ip.type);
}

/** True for a loopback name or a literal address outside the public internet. */
export function isInternalHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (isLoopbackHost(host) || isMetadataHost(host)) return true;
  const ip = literalAddress(host);
  return ip !== undefined && INTERNAL[ip.type].check(ip.address, ip.type);
}

// ---------------------------------------------------------------------------------------------------
// Operator configuration

const ENTRY = /^(https?):\/\/(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}|\*))?\/?$/i;

/**
 * Parses ELEVATE_ENDPOINT_ALLOWLIST: comma-separated origins `scheme://host[:port]`, nothing else. The
 * port `*` (any) and plain `http` are accepted for a loopback host only; metadata addresses never.
 * Entries that break a rule are returned as `invalid` and allow nothing.
 */
export function parseAllowlist(raw: string | undefined): { entries: AllowedOrigin[]; invalid: string[] } {
  const entries: AllowedOrigin[] = [];
  const invalid: string[] = [];
  for (const item of (raw ?? "").split(",")) {
    const text = item.trim();
    if (!text) continue;
    const entry = allowedOrigin(text);
    if (entry) entries.push(entry);
    else invalid.push(text);
  }
  return { entries, invalid };
}

function allowedOrigin(text: string): AllowedOrigin | undefined {
  const m = ENTRY.exec(text);
  if (!m) return undefined;
  const protocol = `${m[1].toLowerCase()}:` as AllowedOrigin["protocol"];
  let hostname: string;
  try {
    hostname = new URL(`${protocol}//${m[2]}`).hostname;
  } catch {
    return undefined;
  }
  if (isMetadataHost(hostname)) return undefined;
  const loopback = isLoopbackHost(hostname);
  if (protocol === "http:" && !loopback) return undefined;
  if (m[3] === "*") return loopback ? { protocol, hostname, port: "*" } : undefined;
  const port = m[3] === undefined ? defaultPort(protocol) : Number(m[3]);
  if (port < 1 || port > 65_535) return undefined;
  return { protocol, hostname, port };
}

const defaultPort = (protocol: string) => (protocol === "http:" ? 80 : 443);

const warned = new Set<string>();
function warnOnce(key: string, message: string, data: Record<string, unknown>) {
  if (warned.has(key)) return;
  warned.add(key);
  logger.warn(data, message);
}

/** The rules in force for this process, from its environment. */
export function egressPolicy(): EgressPolicy {
  const e = env();
  const { entries, invalid } = parseAllowlist(e.ELEVATE_ENDPOINT_ALLOWLIST);
  if (invalid.length > 0) {
    warnOnce(
      `invalid:${e.ELEVATE_ENDPOINT_ALLOWLIST}`,
      `${ALLOWLIST_VAR}: entries ignored (exact origins only; http and port * on loopback only)`,
      { invalid },
    );
  }
  const production = e.NODE_ENV === "production";
  const optedIn = e.ELEVATE_ALLOW_ENDPOINT_OVERRIDE_IN_PRODUCTION === "1";
  if (production && !optedIn && entries.length > 0) {
    warnOnce(
      `production:${e.ELEVATE_ENDPOINT_ALLOWLIST}`,
      `${ALLOWLIST_VAR} is ignored in production; set ${PRODUCTION_OVERRIDE_VAR}=1 to use it`,
      {},
    );
  }
  return {
    allowlist: production && !optedIn ? [] : entries,
    credentialPrefixes: e.ELEVATE_CLOUD_CREDENTIAL_PREFIX.split(","),
  };
}

// ---------------------------------------------------------------------------------------------------
// Rules

const effectivePort = (u: URL) => (u.port ? Number(u.port) : defaultPort(u.protocol));

/** True when the URL is one of the cloud's public API hosts over https on port 443. */
export function isOfficialEndpoint(cloud: EgressCloud, url: string): boolean {
  if (!URL.canParse(url)) return false;
  const u = new URL(url);
  return (
    u.protocol === "https:" &&
    effectivePort(u) === 443 &&
    !u.username &&
    !u.password &&
    (cloud === "okta" ? OKTA_ORG_HOST.test(u.hostname) : OFFICIAL_HOSTS[cloud].includes(u.hostname))
  );
}

/** True when the URL's origin is one the operator allowed (ELEVATE_ENDPOINT_ALLOWLIST). */
export const allowlisted = (u: URL, allowlist: readonly AllowedOrigin[]) =>
  allowlist.some(
    (a) =>
      a.protocol === u.protocol &&
      a.hostname === u.hostname &&
      (a.port === "*" || a.port === effectivePort(u)),
  );

/**
 * Why a target of this cloud may not call this endpoint, or undefined when it may. The message names
 * the rule, never what lies behind the address.
 */
export function endpointProblem(
  cloud: EgressCloud,
  url: string,
  policy: EgressPolicy = egressPolicy(),
): string | undefined {
  if (!URL.canParse(url)) return "must be a URL";
  const u = new URL(url);
  if (u.protocol !== "https:" && u.protocol !== "http:") return "must be an https:// URL";
  if (u.username || u.password) return "must not hold a user name or password";
  if (isOfficialEndpoint(cloud, url)) return undefined;
  if (isMetadataHost(u.hostname)) return "points at a cloud metadata address, which a target may never call";
  if (allowlisted(u, policy.allowlist)) return undefined;
  const official = OFFICIAL_HOSTS[cloud].map((h) => `https://${h}`).join(", ");
  if (!official) {
    return `is not allowed: a ${CLOUD_API[cloud]} has no public endpoint, so the server's operator lists each one in ${ALLOWLIST_VAR}`;
  }
  if (isInternalHost(u.hostname)) {
    return `points at a loopback, private or link-local address: only the server's operator can allow one (${ALLOWLIST_VAR}); the official ${CLOUD_API[cloud]} endpoints are ${official}`;
  }
  return `must be an official ${CLOUD_API[cloud]} endpoint (${official}); others only when the server's operator lists them in ${ALLOWLIST_VAR}`;
}

/** Ambient credentials (SDK default chain, ADC) belong to the server: they go to official hosts only. */
export function defaultCredentialsProblem(
  cloud: EgressCloud,
  endpoint: string | undefined,
): string | undefined {
  if (endpoint === undefined || isOfficialEndpoint(cloud, endpoint)) return undefined;
  return `default credentials are the server's own and are sent only to the official ${CLOUD_API[cloud]} endpoint: remove settings.endpoint or reference variables holding credentials for it`;
}

/** Why a target may not name this variable as a credential, or undefined when it may. */
export function credentialVarProblem(
  name: string,
  policy: EgressPolicy = egressPolicy(),
): string | undefined {
  if (policy.credentialPrefixes.some((p) => name.startsWith(p) && name.length > p.length)) return undefined;
  const prefixes = policy.credentialPrefixes.join(" or ");
  return `must start with ${prefixes}: Elevate reads cloud credentials only from variables under the server's credential prefix (${PREFIX_VAR})`;
}

/**
 * The same rules when an adapter is built (rows saved under older rules exist): a refused endpoint or
 * ambient credentials towards a non-official one fail the call, permanently, before any request.
 */
export function assertEgressAllowed(
  cloud: EgressCloud,
  endpoint: string | undefined,
  { ambientCredentials }: { ambientCredentials: boolean },
): void {
  if (endpoint === undefined) return;
  const problem = endpointProblem(cloud, endpoint);
  if (problem) throw new CloudError("permanent", `${cloud}: endpoint refused: it ${problem}`);
  if (ambientCredentials) {
    const ambient = defaultCredentialsProblem(cloud, endpoint);
    if (ambient) throw new CloudError("permanent", `${cloud}: ${ambient}`);
  }
}

// ---------------------------------------------------------------------------------------------------
// Errors without network detail

/** What a network-level failure says, whatever the address, port or system error behind it. */
export const UNREACHABLE = "could not reach the endpoint";

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENETUNREACH",
  "ENETDOWN",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EAI_FAIL",
  "EADDRNOTAVAIL",
  "EPIPE",
  "EPROTO",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
]);
const NETWORK_TEXT = new RegExp(
  `\\b(${[...NETWORK_CODES].join("|")})\\b|fetch failed|socket hang up|getaddrinfo|connect E[A-Z]+`,
);

/** True when the error (or an error it wraps) failed before any HTTP answer: refused, reset, DNS, unreachable. */
export function isNetworkFailure(err: unknown, depth = 0): boolean {
  if (depth > 4 || typeof err !== "object" || err === null) {
    return typeof err === "string" && NETWORK_TEXT.test(err);
  }
  const e = err as { code?: unknown; errno?: unknown; message?: unknown; cause?: unknown };
  if (typeof e.code === "string" && NETWORK_CODES.has(e.code)) return true;
  if (typeof e.errno === "string" && NETWORK_CODES.has(e.errno)) return true;
  if (typeof e.message === "string" && NETWORK_TEXT.test(e.message)) return true;
  return isNetworkFailure(e.cause, depth + 1);
}

const URLS = /\b[a-z][a-z0-9+.-]*:\/\/[^\s'"<>),]+/gi;
const IPV6 = /\[[0-9a-f:.]+\](?::\d{1,5})?/gi;
const IPV4 = /\b\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b/g;
const HOST_PORT = /\b(?:[a-z0-9-]+\.)+[a-z]{2,}:\d{1,5}\b/gi;

/**
 * A cloud's or library's error text without URLs, addresses, host:port pairs or system error codes, so
 * an answer cannot map the network behind an endpoint. Network-level failures read UNREACHABLE.
 */
export function scrubNetworkDetail(text: string): string {
  if (NETWORK_TEXT.test(text)) return UNREACHABLE;
  return text
    .replace(URLS, "[endpoint]")
    .replace(IPV6, "[address]")
    .replace(IPV4, "[address]")
    .replace(HOST_PORT, "[address]");
}
