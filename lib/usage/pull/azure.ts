import { MonitorClient } from "@azure/arm-monitor";
import type { TokenCredential } from "@azure/core-auth";
import { assertEgressAllowed } from "@/lib/clouds/egress";
import { CloudError } from "@/lib/clouds/port";
import { resolveAzure } from "@/lib/targets/credentials";
import type { AzureSettings } from "@/lib/targets/settings";
import type { Json } from "../types";
import { type PullSource, Throttled } from "./source";

const SUBSCRIPTION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DEFAULT_ENDPOINT = "https://management.azure.com";

/**
 * The Activity Log `$filter` for one window, in the one form the API accepts for a whole subscription
 * ("List events for a subscription in a time range": learn.microsoft.com/rest/api/monitor/activity-logs/list).
 * Both bounds are inclusive; an event on the boundary is read twice and counted once (a duplicate).
 */
export function azureActivityFilter(window: { start: Date; end: Date }): string {
  return `eventTimestamp ge '${window.start.toISOString()}' and eventTimestamp le '${window.end.toISOString()}'`;
}

type EventDataPage = { value?: unknown[]; nextLink?: string };
/**
 * The operation's first-page and next-link calls. arm-monitor 7's `list().byPage()` takes no continuation
 * token (its pages cannot be resumed after a throttled call), so the source calls the two operations the
 * pager itself is made of, keeping the SDK's request building, authentication and deserialisation.
 */
type ActivityLogsOps = {
  _list(filter: string, options?: object): Promise<EventDataPage>;
  _listNext(filter: string, nextLink: string, options?: object): Promise<EventDataPage>;
};

/**
 * Azure Monitor Activity Log (`activityLogs.list`, management events of the target's subscription, 90 days
 * kept). Pages follow `nextLink`, which is the page token; a link to another origin than the target's
 * endpoint is refused. Each event is turned back into the REST JSON (dates as ISO strings) and mapped by the
 * same code as uploaded files.
 */
export function activityLogSource(settings: AzureSettings, subscriptionId: string): PullSource {
  if (!SUBSCRIPTION_ID.test(subscriptionId))
    throw new CloudError(
      "permanent",
      `azure: target external id "${subscriptionId}" is not a subscription id`,
    );
  assertEgressAllowed("azure", settings.endpoint, { ambientCredentials: false });
  const endpoint = settings.endpoint ?? DEFAULT_ENDPOINT;
  const origin = new URL(endpoint).origin;
  // The token is read at each request: a rotated variable applies at once.
  const credential: TokenCredential = {
    getToken: async () => ({
      token: resolveAzure(settings).material,
      expiresOnTimestamp: Date.now() + 5 * 60_000,
    }),
  };
  const client = new MonitorClient(credential, subscriptionId.toLowerCase(), {
    endpoint,
    credentialScopes: [`${origin}/.default`],
    // The runner backs off on throttling itself (and honours Retry-After).
    retryOptions: { maxRetries: 0 },
    ...(settings.ca ? { tlsOptions: { ca: settings.ca } } : {}),
  });
  const ops = client.activityLogs as unknown as ActivityLogsOps;
  return {
    name: "azure activityLogs.list",
    async page(window, token) {
      const filter = azureActivityFilter(window);
      if (token && new URL(token).origin !== origin)
        throw new CloudError("permanent", `azure: nextLink leaves the endpoint ${origin}`);
      try {
        const out = token ? await ops._listNext(filter, token) : await ops._list(filter);
        return {
          // Dates deserialised by the SDK back to the API's ISO strings.
          records: (out.value ?? []).map((e) => JSON.parse(JSON.stringify(e)) as Json),
          nextToken: out.nextLink || null,
        };
      } catch (err) {
        const e = err as {
          statusCode?: number;
          response?: { headers?: { get(n: string): string | undefined } };
        };
        if (e.statusCode === 429) throw new Throttled(retryAfterMs(e.response?.headers?.get("retry-after")));
        throw err;
      }
    },
  };
}

/** Retry-After in seconds (ARM sends seconds), capped at 5 minutes. */
function retryAfterMs(header: string | undefined): number | undefined {
  const seconds = Number(header);
  return header && Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds, 300) * 1000 : undefined;
}
