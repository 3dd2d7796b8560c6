import { loopbackCertificate } from "@/lib/clouds/fakes/azure/cert";
import { armError, armErrorBody } from "@/lib/clouds/fakes/azure/errors";
import {
  type FakeCall,
  type FakeRequest,
  type Fault,
  hasBearer,
  serveFake,
} from "@/lib/clouds/fakes/gcp/fake-http";

/** An Activity Log event as the REST API returns it (learn.microsoft.com/rest/api/monitor/activity-logs/list#eventdata). */
export type FakeActivityEvent = { eventDataId: string; eventTimestamp: string } & Record<string, unknown>;

const ROUTE = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.Insights\/eventtypes\/management\/values$/i;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/**
 * The filters the API accepts, and no other ("NOTE: No other syntax is allowed"): a time range, optionally
 * narrowed to a resource group, resource, resource provider or correlation id.
 */
const FILTER =
  /^eventTimestamp ge '([^']+)' and eventTimestamp le '([^']+)'(?: and (resourceGroupName|resourceUri|resourceProvider|correlationId) eq '([^']+)')?$/;
const DAY = 86_400_000;

type Parsed = { start: number; end: number; field?: string; value?: string };

function parseFilter(filter: string | null): Parsed | string {
  if (!filter) return "The $filter query parameter is required and must include the start date/time.";
  const m = FILTER.exec(filter.trim());
  if (!m) return `The filter '${filter}' is not supported.`;
  const [start, end] = [Date.parse(m[1]), Date.parse(m[2])];
  if (Number.isNaN(start) || Number.isNaN(end)) return "The eventTimestamp values must be ISO 8601 dates.";
  if (end < start) return "The end time must be after the start time.";
  return { start, end, field: m[3], value: m[4] };
}

function selected(e: FakeActivityEvent, f: Parsed): boolean {
  const at = Date.parse(e.eventTimestamp);
  if (at < f.start || at > f.end) return false;
  if (!f.field || f.value === undefined) return true;
  const v = f.value.toLowerCase();
  const str = (x: unknown) => (typeof x === "string" ? x.toLowerCase() : "");
  if (f.field === "resourceGroupName") return str(e.resourceGroupName) === v;
  if (f.field === "resourceUri") return str(e.resourceId) === v;
  if (f.field === "correlationId") return str(e.correlationId) === v;
  const provider = e.resourceProviderName as { value?: string } | undefined;
  return str(provider?.value) === v;
}

/**
 * A loopback Azure Monitor answering `GET /subscriptions/{id}/providers/Microsoft.Insights/eventtypes/management/values`
 * over HTTPS (the Azure pipeline sends bearer tokens over TLS only), api-version 2015-04-01, with the
 * documented `$filter` forms, events newest first, `nextLink` pages (absolute, with `$skiptoken`), a
 * 90-day retention (older events are gone), ARM error bodies, and 429 + Retry-After through `injectFault`.
 */
export async function startFakeActivityLog(opts: { pageSize?: number; now?: () => number } = {}) {
  const events: FakeActivityEvent[] = [];
  /** The `$filter` and `$skiptoken` of each list call that reached the handler. */
  const requests: { filter: string | null; skiptoken: string | null }[] = [];
  const pageSize = opts.pageSize ?? 200;
  const tls = loopbackCertificate();
  let base = "";
  const handle = (req: FakeRequest) => {
    if (!hasBearer(req))
      return armError(
        401,
        "AuthenticationFailed",
        "Authentication failed. The 'Authorization' header is missing.",
      );
    const m = ROUTE.exec(decodeURIComponent(req.path));
    if (req.method !== "GET" || !m) return armError(404, "InvalidResourceType", `No route for ${req.path}.`);
    if (!GUID.test(m[1]))
      return armError(
        400,
        "InvalidSubscriptionId",
        `The provided subscription identifier '${m[1]}' is malformed or invalid.`,
      );
    if (req.query.get("api-version") !== "2015-04-01")
      return armError(
        400,
        "InvalidApiVersionParameter",
        `The api-version '${req.query.get("api-version")}' is invalid.`,
      );
    requests.push({ filter: req.query.get("$filter"), skiptoken: req.query.get("$skiptoken") });
    const f = parseFilter(req.query.get("$filter"));
    if (typeof f === "string") return armError(400, "BadRequest", f);
    const retainedFrom = (opts.now?.() ?? Date.now()) - 90 * DAY;
    const list = events
      .filter((e) => Date.parse(e.eventTimestamp) >= retainedFrom && selected(e, f))
      .filter((e) => String(e.subscriptionId ?? m[1]).toLowerCase() === m[1].toLowerCase())
      .sort((a, b) => Date.parse(b.eventTimestamp) - Date.parse(a.eventTimestamp));
    const from = Number(req.query.get("$skiptoken") ?? 0);
    if (!Number.isInteger(from) || from < 0) return armError(400, "BadRequest", "Invalid $skiptoken.");
    const page = list.slice(from, from + pageSize);
    let nextLink: string | undefined;
    if (from + pageSize < list.length) {
      const next = new URL(`${base}${req.path}`);
      next.searchParams.set("api-version", "2015-04-01");
      next.searchParams.set("$filter", req.query.get("$filter") ?? "");
      next.searchParams.set("$skiptoken", String(from + pageSize));
      nextLink = next.toString();
    }
    return { status: 200, body: { value: page, ...(nextLink ? { nextLink } : {}) } };
  };
  const server = await serveFake({
    handle,
    errorBody: armErrorBody,
    requestIdHeader: "x-ms-request-id",
    tls,
  });
  base = server.url;
  return {
    url: server.url,
    /** PEM of the fake's self-signed certificate: the target's `ca`. */
    ca: tls.cert,
    events,
    requests,
    calls: server.calls as FakeCall[],
    injectFault: (f: Fault) => server.injectFault(f),
    stop: server.stop,
  };
}
