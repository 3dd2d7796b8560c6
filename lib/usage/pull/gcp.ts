import { v2 } from "@google-cloud/logging";
import type { AuthClient } from "google-auth-library";
import { assertEgressAllowed } from "@/lib/clouds/egress";
import { defaultAuthClient } from "@/lib/clouds/gcp/config";
import { CloudError } from "@/lib/clouds/port";
import { gcpAuthClient } from "@/lib/clouds/registry";
import { resolveGcp } from "@/lib/targets/credentials";
import type { GcpSettings } from "@/lib/targets/settings";
import type { Json } from "../types";
import { AUDIT_LOG_DESCRIPTOR, type Decodable, logEntryJson } from "./gcp-audit-log";
import { type PullSource, Throttled } from "./source";

/** Logging API v2 page size: its maximum (cloud.google.com/logging/docs/reference/v2/rest/v2/entries/list). */
export const GCP_PAGE_SIZE = 1000;
/** The Admin Activity and Data Access audit logs (cloud.google.com/logging/docs/audit#types). */
export const GCP_AUDIT_LOGS = [
  "cloudaudit.googleapis.com%2Factivity",
  "cloudaudit.googleapis.com%2Fdata_access",
];
/** Project ids: 6 to 30 lowercase letters, digits or hyphens, starting with a letter (cloud.google.com/resource-manager/docs/creating-managing-projects). */
const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
/** google.rpc.Code RESOURCE_EXHAUSTED: the Logging API's read quota (60 entries.list calls a minute per project). */
const RESOURCE_EXHAUSTED = 8;

/**
 * The `entries:list` filter for one window: both audit logs of the project, `timestamp` in [start, end)
 * (the Logging query language: cloud.google.com/logging/docs/view/logging-query-language). The project id
 * is checked against Google's format first, so nothing else can reach the filter.
 */
export function gcpAuditFilter(projectId: string, window: { start: Date; end: Date }): string {
  const logs = GCP_AUDIT_LOGS.map((l) => `"projects/${projectId}/logs/${l}"`).join(" OR ");
  return `logName=(${logs}) AND timestamp>="${window.start.toISOString()}" AND timestamp<"${window.end.toISOString()}"`;
}

/** Retry-After in seconds, when the answer carries one. */
function retryAfterMs(header: string | null | undefined): number | undefined {
  const seconds = Number(header);
  return header && Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds, 300) * 1000 : undefined;
}

type LoggingClient = {
  listLogEntries(
    request: Record<string, unknown>,
    options: Record<string, unknown>,
  ): Promise<[Record<string, unknown>[], unknown, { nextPageToken?: string | null } | null]>;
  initialize(): Promise<unknown>;
  _protos: {
    lookup(name: string): unknown;
    lookupType(name: string): Decodable;
    define(path: string, json: object): unknown;
    resolveAll(): unknown;
  };
};

/** The Logging API endpoint: the target's endpoint (a fake, a private endpoint) or Google's. */
function loggingClient(endpoint: string | undefined, authClient: AuthClient): LoggingClient {
  const u = new URL(endpoint ?? "https://logging.googleapis.com");
  const protocol = u.protocol === "http:" ? "http" : "https";
  const port = u.port ? Number(u.port) : protocol === "http" ? 80 : 443;
  // REST transport ("fallback"): HTTP/1.1 and JSON, as the adapter's Resource Manager client does.
  const client = new v2.LoggingServiceV2Client({
    apiEndpoint: u.hostname,
    port,
    protocol,
    fallback: true,
    authClient,
  }) as LoggingClient;
  // The client's protos know LogEntry but not the AuditLog inside `protoPayload` (an Any): REST decoding
  // fails with "cannot find type google.cloud.audit.AuditLog" without it (googleapis/nodejs-logging#785).
  // (The client caches its protos per process: defined once.)
  if (!client._protos.lookup("google.cloud.audit.AuditLog")) {
    client._protos.define("google.cloud.audit", AUDIT_LOG_DESCRIPTOR);
    client._protos.resolveAll();
  }
  return client;
}

/**
 * Cloud Logging `entries.list` over the project's Admin Activity and Data Access audit logs, oldest first,
 * 1,000 entries a page. Each entry comes back as the LogEntry JSON `gcloud logging read` prints, read by
 * the same mapper as uploaded files.
 */
export function cloudLoggingSource(settings: GcpSettings, projectId: string): PullSource {
  if (!PROJECT_ID.test(projectId))
    throw new CloudError("permanent", `gcp: target external id "${projectId}" is not a project id`);
  const { material } = resolveGcp(settings);
  assertEgressAllowed("gcp", settings.endpoint, { ambientCredentials: material === null });
  let client: LoggingClient | undefined;
  const clientOf = async () => {
    client ??= loggingClient(
      settings.endpoint,
      material ? gcpAuthClient(material) : await defaultAuthClient(),
    );
    return client;
  };
  return {
    name: "gcp logging entries.list",
    async page(window, token) {
      const c = await clientOf();
      const auditLog = c._protos.lookupType("google.cloud.audit.AuditLog");
      try {
        const [entries, , response] = await c.listLogEntries(
          {
            resourceNames: [`projects/${projectId}`],
            filter: gcpAuditFilter(projectId, window),
            orderBy: "timestamp asc",
            pageSize: GCP_PAGE_SIZE,
            ...(token ? { pageToken: token } : {}),
          },
          // One page per call; the runner backs off on quota errors itself.
          { autoPaginate: false, maxRetries: 0, retry: { retryCodes: [] } },
        );
        return {
          records: entries.map((e) => logEntryJson(e, auditLog) as Json),
          nextToken: response?.nextPageToken || null,
        };
      } catch (err) {
        // The REST transport raises a GaxiosError (HTTP status) or a GoogleError (gRPC code).
        const e = err as {
          code?: number | string;
          status?: number | string;
          response?: { status?: number; headers?: { get?(name: string): string | null } };
        };
        const throttled =
          e.code === RESOURCE_EXHAUSTED ||
          e.status === 429 ||
          e.status === "RESOURCE_EXHAUSTED" ||
          e.response?.status === 429;
        if (throttled) throw new Throttled(retryAfterMs(e.response?.headers?.get?.("retry-after")));
        throw err;
      }
    },
  };
}
