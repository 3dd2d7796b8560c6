import { mapCloudTrail } from "../map/aws";
import { mapActivityEvent } from "../map/azure";
import type { CatalogLookup, ReasonNames } from "../map/catalog-lookup";
import { mapLogEntry } from "../map/gcp";
import { isObject, type Json, malformed, type Outcome, str } from "../types";

/** CloudTrail Lake rows are arrays of one-column objects (`[{"eventID":…},{"eventName":…}]`): merged. */
function lakeRow(row: unknown[]): Json | null {
  if (!row.every(isObject)) return null;
  return Object.assign({}, ...row) as Json;
}

function parseEmbedded(v: string): Json | null {
  try {
    const o: unknown = JSON.parse(v);
    return isObject(o) ? o : null;
  } catch {
    return null;
  }
}

/**
 * Recognises a record by its fields, whatever file it came in: CloudTrail (S3 delivery, JSON lines,
 * LookupEvents' `CloudTrailEvent` string, Lake rows and `eventJson`, EventBridge `detail`), a GCP LogEntry,
 * an Azure Activity Log event. Then maps it.
 */
export function mapRecord(value: Json | unknown[], catalog: CatalogLookup, reasons: ReasonNames): Outcome {
  let r: Json | null = Array.isArray(value) ? lakeRow(value) : value;
  if (!r) return malformed("not an object");
  const embedded = str(r.CloudTrailEvent) ?? str(r.eventJson);
  if (embedded) {
    r = parseEmbedded(embedded);
    if (!r) return malformed("aws: embedded CloudTrailEvent is not JSON");
  }
  if (r["detail-type"] !== undefined && isObject(r.detail)) {
    if (
      r["detail-type"] !== "AWS API Call via CloudTrail" &&
      r["detail-type"] !== "AWS Console Sign In via CloudTrail"
    )
      return malformed("aws: EventBridge event not from CloudTrail");
    r = r.detail;
  }
  // Azure events carry an `eventName` object too: CloudTrail's is a string beside eventSource or eventID.
  if (
    r.eventSource !== undefined ||
    r.eventID !== undefined ||
    (typeof r.eventName === "string" && !r.operationName)
  ) {
    return mapCloudTrail(r, catalog, reasons);
  }
  if (r.protoPayload !== undefined || (r.insertId !== undefined && r.logName !== undefined)) {
    return mapLogEntry(r, catalog, reasons);
  }
  if (
    r.operationName !== undefined &&
    (r.eventDataId !== undefined || r.correlationId !== undefined || r.category !== undefined)
  ) {
    return mapActivityEvent(r, catalog, reasons);
  }
  return malformed("not a CloudTrail, Cloud Audit Logs or Activity Log record");
}
