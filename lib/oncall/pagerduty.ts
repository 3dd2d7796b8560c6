import { egressPolicy, isInternalHost, isMetadataHost } from "@/lib/clouds/egress";
import { logger } from "@/lib/log";
import type { OnCallDirectory } from "./port";

/**
 * PagerDuty REST API v2 adapter.
 * - Auth: `Authorization: Token token=<key>` and `Accept: application/vnd.pagerduty+json;version=2`
 *   (https://developer.pagerduty.com/docs/authentication, https://developer.pagerduty.com/docs/versioning).
 * - A service's escalation policy: `GET /services/{id}` → `service.escalation_policy.id`
 *   (https://developer.pagerduty.com/api-reference/165ad96a22ffd-get-a-service).
 * - Who is on call now: `GET /oncalls?escalation_policy_ids[]=…&include[]=users` → `oncalls[].user.email`
 *   (https://developer.pagerduty.com/api-reference/3a6b910f11050-list-all-of-the-on-calls); without
 *   since/until it answers the current on-calls.
 * - Classic pagination: `limit` (≤ 100), `offset`, answer `more`
 *   (https://developer.pagerduty.com/docs/pagination).
 */
export const PAGERDUTY_API = "https://api.pagerduty.com";
const ACCEPT = "application/vnd.pagerduty+json;version=2";
const MAX_PAGES = 20;

export type PagerDutyOptions = {
  token: string;
  /** Default the official API; another origin only when ELEVATE_ENDPOINT_ALLOWLIST lists it. */
  baseUrl?: string;
  /** Answers are kept this long per service (default 60 s). */
  ttlMs?: number;
  timeoutMs?: number;
  now?: () => number;
  fetch?: typeof fetch;
};

export class OnCallError extends Error {}

/** The endpoint policy of docs/security.md: the official host, or an origin the operator allowlisted. */
export function pagerDutyEndpointProblem(url: string): string | undefined {
  if (!URL.canParse(url)) return "must be a URL";
  const u = new URL(url);
  if (u.username || u.password) return "must not hold a user name or password";
  if (u.origin === PAGERDUTY_API) return undefined;
  if (isMetadataHost(u.hostname)) return "points at a cloud metadata address";
  const allowed = egressPolicy().allowlist.some(
    (a) =>
      a.protocol === u.protocol &&
      a.hostname === u.hostname &&
      (a.port === "*" || String(a.port) === (u.port || (u.protocol === "https:" ? "443" : "80"))),
  );
  if (allowed) return undefined;
  return isInternalHost(u.hostname)
    ? "points at a loopback or private address: only the operator can allow one (ELEVATE_ENDPOINT_ALLOWLIST)"
    : `must be ${PAGERDUTY_API}, or an origin listed in ELEVATE_ENDPOINT_ALLOWLIST`;
}

export function createPagerDutyDirectory(opts: PagerDutyOptions): OnCallDirectory {
  const base = (opts.baseUrl ?? PAGERDUTY_API).replace(/\/+$/, "");
  const problem = pagerDutyEndpointProblem(base);
  if (problem) throw new OnCallError(`PAGERDUTY_API_URL refused: it ${problem}`);
  const ttl = opts.ttlMs ?? 60_000;
  const now = opts.now ?? Date.now;
  const doFetch = opts.fetch ?? fetch;
  // One entry per service; a pending lookup is shared so concurrent submissions call the API once.
  const cache = new Map<string, { at: number; value: Promise<ReadonlySet<string>> }>();

  async function get(path: string): Promise<unknown> {
    const res = await doFetch(`${base}${path}`, {
      headers: { Authorization: `Token token=${opts.token}`, Accept: ACCEPT },
      signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
    });
    if (!res.ok) {
      const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
      throw new OnCallError(`PagerDuty answered ${res.status}: ${body?.error?.message ?? res.statusText}`);
    }
    return res.json();
  }

  async function lookup(serviceId: string): Promise<ReadonlySet<string>> {
    const svc = (await get(`/services/${encodeURIComponent(serviceId)}`)) as {
      service?: { escalation_policy?: { id?: string } };
    };
    const ep = svc.service?.escalation_policy?.id;
    if (!ep) throw new OnCallError(`PagerDuty service ${serviceId} has no escalation policy`);
    const emails = new Set<string>();
    for (let page = 0, offset = 0; page < MAX_PAGES; page++) {
      const q = new URLSearchParams([
        ["escalation_policy_ids[]", ep],
        ["include[]", "users"],
        ["limit", "100"],
        ["offset", String(offset)],
      ]);
      const body = (await get(`/oncalls?${q}`)) as {
        oncalls?: { user?: { email?: string } }[];
        more?: boolean;
      };
      const list = body.oncalls ?? [];
      for (const o of list) if (o.user?.email) emails.add(o.user.email.toLowerCase());
      if (!body.more || list.length === 0) break;
      offset += list.length;
    }
    return emails;
  }

  return {
    kind: "pagerduty",
    onCallEmails(serviceId) {
      const hit = cache.get(serviceId);
      if (hit && now() - hit.at < ttl) return hit.value;
      const value = lookup(serviceId);
      cache.set(serviceId, { at: now(), value });
      // A failure is not cached: the next request asks again.
      value.catch((err) => {
        if (cache.get(serviceId)?.value === value) cache.delete(serviceId);
        logger.warn({ err, serviceId }, "PagerDuty on-call lookup failed");
      });
      return value;
    },
  };
}
