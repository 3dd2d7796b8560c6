/**
 * `google.cloud.audit.AuditLog` for the Logging client's REST decoding: the message's fields by their
 * names and numbers in googleapis `google/cloud/audit/audit_log.proto` (Apache-2.0; documented at
 * cloud.google.com/logging/docs/reference/audit/auditlog/rest/Shared.Types/AuditLog), with every
 * message-typed field read as `google.protobuf.Struct`. A Struct holds any JSON object, so nothing the
 * cloud sends is dropped or refused (nested `Any`s such as BigQuery's legacy `serviceData` included), and
 * the entry comes back as the JSON `gcloud logging read` prints, which the ingest already maps.
 */
const struct = (id: number) => ({ type: "google.protobuf.Struct", id });
const structs = (id: number) => ({ rule: "repeated", type: "google.protobuf.Struct", id });
const string = (id: number) => ({ type: "string", id });

export const AUDIT_LOG_DESCRIPTOR = {
  AuditLog: {
    fields: {
      serviceName: string(7),
      methodName: string(8),
      resourceName: string(11),
      resourceLocation: struct(20),
      resourceOriginalState: struct(19),
      // int64: a string in JSON.
      numResponseItems: string(12),
      status: struct(2),
      authenticationInfo: struct(3),
      authorizationInfo: structs(9),
      policyViolationInfo: struct(25),
      requestMetadata: struct(4),
      request: struct(16),
      response: struct(17),
      metadata: struct(18),
      serviceData: struct(15),
    },
  },
};

type Value = {
  kind?: string;
  nullValue?: unknown;
  numberValue?: number;
  stringValue?: string;
  boolValue?: boolean;
  structValue?: StructObj;
  listValue?: { values?: Value[] };
};
type StructObj = { fields?: Record<string, Value> };

function valueJson(v: Value): unknown {
  switch (v.kind) {
    case "numberValue":
      return v.numberValue;
    case "stringValue":
      return v.stringValue;
    case "boolValue":
      return v.boolValue;
    case "structValue":
      return structJson(v.structValue ?? {});
    case "listValue":
      return (v.listValue?.values ?? []).map(valueJson);
    default:
      return null;
  }
}

export function structJson(s: StructObj): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s.fields ?? {})) out[k] = valueJson(v);
  return out;
}

export type Decodable = {
  decode(bytes: Uint8Array): unknown;
  toObject(message: unknown, options: object): Record<string, unknown>;
};
type Timestamp = { seconds?: string | number; nanos?: number };

const iso = (t: unknown): string | undefined => {
  if (!t || typeof t !== "object") return undefined;
  const { seconds, nanos } = t as Timestamp;
  if (seconds === undefined) return undefined;
  return new Date(Number(seconds) * 1000 + Math.floor((nanos ?? 0) / 1e6)).toISOString();
};

/**
 * A LogEntry as the client returns it (protobuf.js object form: timestamps as seconds and nanos, the
 * AuditLog as an encoded `Any`) turned back into the API's JSON: the fields the ingest reads, and the
 * AuditLog payload whole.
 */
export function logEntryJson(e: Record<string, unknown>, auditLog: Decodable): Record<string, unknown> {
  const out: Record<string, unknown> = {
    logName: e.logName,
    insertId: e.insertId,
    timestamp: iso(e.timestamp),
    receiveTimestamp: iso(e.receiveTimestamp),
    severity: e.severity,
  };
  if (e.resource && typeof e.resource === "object") out.resource = e.resource;
  if (e.labels && typeof e.labels === "object" && Object.keys(e.labels).length > 0) out.labels = e.labels;
  const any = e.protoPayload as { typeUrl?: string; type_url?: string; value?: string | Uint8Array } | null;
  const typeUrl = any?.typeUrl ?? any?.type_url;
  if (any && typeUrl?.endsWith("/google.cloud.audit.AuditLog")) {
    const bytes =
      typeof any.value === "string" ? Buffer.from(any.value, "base64") : (any.value ?? new Uint8Array());
    const o = auditLog.toObject(auditLog.decode(bytes), { longs: String, enums: String, oneofs: true });
    const payload: Record<string, unknown> = { "@type": typeUrl };
    for (const [k, v] of Object.entries(o)) {
      if (Array.isArray(v)) payload[k] = v.map((s) => structJson(s as StructObj));
      else if (v && typeof v === "object") payload[k] = structJson(v as StructObj);
      else payload[k] = v;
    }
    out.protoPayload = payload;
  } else if (e.jsonPayload && typeof e.jsonPayload === "object") {
    out.jsonPayload = structJson(e.jsonPayload as StructObj);
  }
  return out;
}
