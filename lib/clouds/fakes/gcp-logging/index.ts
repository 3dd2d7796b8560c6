import { gcpError, gcpErrorBody } from "@/lib/clouds/fakes/gcp/errors";
import {
  type FakeCall,
  type FakeRequest,
  type Fault,
  hasBearer,
  serveFake,
} from "@/lib/clouds/fakes/gcp/fake-http";

/** A LogEntry as the REST API returns it (cloud.google.com/logging/docs/reference/v2/rest/v2/LogEntry). */
export type FakeLogEntry = { logName: string; insertId: string; timestamp: string } & Record<string, unknown>;

type Clause =
  | { kind: "logName"; names: string[] }
  | { kind: "timestamp"; op: ">=" | ">" | "<" | "<="; at: number };

const LOG_NAMES = /^logName=\(("[^"]+"(?: OR "[^"]+")*)\)$/;
const LOG_NAME = /^logName="([^"]+)"$/;
const TIMESTAMP = /^timestamp(>=|<=|>|<)"([^"]+)"$/;

/**
 * The part of the Logging query language the pull sends (cloud.google.com/logging/docs/view/logging-query-language):
 * clauses joined by `AND`, each `logName="…"`, `logName=("…" OR "…")` or a `timestamp` comparison with an
 * RFC 3339 time. Anything else is refused as Google refuses an unparsable filter (400 INVALID_ARGUMENT),
 * so a query the fake cannot honour never passes silently.
 */
export function parseFilter(filter: string): Clause[] | string {
  const clauses: Clause[] = [];
  for (const part of filter.split(" AND ")) {
    const t = part.trim();
    const many = LOG_NAMES.exec(t);
    const one = LOG_NAME.exec(t);
    const ts = TIMESTAMP.exec(t);
    if (many) clauses.push({ kind: "logName", names: many[1].split(" OR ").map((s) => s.slice(1, -1)) });
    else if (one) clauses.push({ kind: "logName", names: [one[1]] });
    else if (ts) {
      const at = Date.parse(ts[2]);
      if (Number.isNaN(at)) return `invalid timestamp "${ts[2]}"`;
      clauses.push({ kind: "timestamp", op: ts[1] as ">=", at });
    } else return `unsupported filter clause "${t}"`;
  }
  return clauses;
}

function matches(e: FakeLogEntry, clauses: Clause[]): boolean {
  const at = Date.parse(e.timestamp);
  return clauses.every((c) => {
    if (c.kind === "logName") return c.names.includes(e.logName);
    if (c.op === ">=") return at >= c.at;
    if (c.op === ">") return at > c.at;
    if (c.op === "<") return at < c.at;
    return at <= c.at;
  });
}

type ListRequest = {
  resourceNames?: string[];
  filter?: string;
  orderBy?: string;
  pageSize?: number;
  pageToken?: string;
};

/**
 * A loopback Cloud Logging API v2 answering `POST /v2/entries:list` over HTTP/JSON
 * (cloud.google.com/logging/docs/reference/v2/rest/v2/entries/list): `resourceNames` (projects), the
 * filter above, `orderBy` `timestamp asc` (default) or `timestamp desc`, `pageSize` (default 50, over 1,000
 * refused), opaque `nextPageToken`s. Like the real API it may return fewer entries than `pageSize` with a
 * token for more (`maxPerPage`). Quota errors are injected with `injectFault` (429 RESOURCE_EXHAUSTED).
 */
export async function startFakeCloudLogging(opts: { maxPerPage?: number } = {}) {
  const entries: FakeLogEntry[] = [];
  const requests: ListRequest[] = [];
  const server = await serveFake({
    requestIdHeader: "x-goog-request-id",
    errorBody: gcpErrorBody,
    handle: (req: FakeRequest) => {
      if (!hasBearer(req)) return gcpError(401, "Request had invalid authentication credentials.");
      if (req.method !== "POST" || req.path !== "/v2/entries:list")
        return gcpError(404, `No route for ${req.method} ${req.path}.`);
      const body = (req.body ?? {}) as ListRequest;
      requests.push(body);
      const resources = body.resourceNames ?? [];
      if (resources.length === 0) return gcpError(400, "resourceNames: at least one resource is required.");
      const pageSize = body.pageSize || 50;
      if (pageSize < 0 || pageSize > 1000)
        return gcpError(400, `pageSize must be between 0 and 1000, got ${pageSize}.`);
      const clauses = parseFilter(body.filter ?? "");
      if (typeof clauses === "string") return gcpError(400, `Invalid filter: ${clauses}.`);
      const order = body.orderBy ?? "timestamp asc";
      if (order !== "timestamp asc" && order !== "timestamp desc")
        return gcpError(400, `Invalid orderBy "${order}".`);
      const from = body.pageToken ? Number(Buffer.from(body.pageToken, "base64url").toString()) : 0;
      if (!Number.isInteger(from) || from < 0) return gcpError(400, "Invalid page token.");
      const selected = entries
        .filter((e) => resources.some((r) => e.logName.startsWith(`${r}/logs/`)) && matches(e, clauses))
        .sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
      if (order === "timestamp desc") selected.reverse();
      const size = Math.min(pageSize, opts.maxPerPage ?? pageSize);
      const page = selected.slice(from, from + size);
      const next =
        from + size < selected.length ? Buffer.from(String(from + size)).toString("base64url") : "";
      return { status: 200, body: { entries: page, ...(next ? { nextPageToken: next } : {}) } };
    },
  });
  return {
    url: server.url,
    entries,
    /** The parsed bodies of the `entries:list` calls, in order. */
    requests,
    calls: server.calls as FakeCall[],
    injectFault: (f: Fault) => server.injectFault(f),
    stop: server.stop,
  };
}
