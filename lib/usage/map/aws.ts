import { clip, isObject, type Json, malformed, type Outcome, parseTime, str, unmappable } from "../types";
import {
  APIGATEWAY_VERBS,
  DENIED_ERRORS,
  EVENT_ACTIONS,
  NOT_AN_ACTION,
  S3_ACTIONS,
  SERVICE_PREFIX,
  withoutApiVersion,
} from "./aws-exceptions";
import type { CatalogLookup, ReasonNames } from "./catalog-lookup";

const ASSUMED_ROLE = /^arn:aws[a-z-]*:sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/;

/** The IAM action a CloudTrail event exercised, before the catalog check; or why there is none. */
export function iamActionOf(eventSource: string, eventName: string): { action: string } | { none: string } {
  const none = NOT_AN_ACTION[eventSource] ?? NOT_AN_ACTION[`${eventSource}:${eventName}`];
  if (none) return { none };
  const host = eventSource.endsWith(".amazonaws.com") ? eventSource.slice(0, -".amazonaws.com".length) : "";
  if (!host || !/^[a-z0-9-]+$/.test(host)) return { none: "unknown event source" };
  const service = SERVICE_PREFIX[host] ?? host;
  const name = withoutApiVersion(service, eventName);
  if (service === "s3") return { action: `s3:${S3_ACTIONS[name] ?? name}` };
  if (service === "apigateway") {
    const verb = APIGATEWAY_VERBS.find(([p]) => name.startsWith(p))?.[1];
    return verb ? { action: `apigateway:${verb}` } : { none: "API Gateway call with no HTTP verb" };
  }
  const action = `${service}:${name}`;
  return { action: EVENT_ACTIONS[action] ?? action };
}

/** A CloudTrail record (S3 delivery, LookupEvents' CloudTrailEvent, Lake, EventBridge detail) mapped. */
export function mapCloudTrail(r: Json, catalog: CatalogLookup, reasons: ReasonNames): Outcome {
  const eventId = str(r.eventID);
  if (!eventId) return malformed("aws: no eventID");
  // Logstash/Elastic exports move eventTime to "@timestamp" (the OTRF samples are such an export).
  const occurredAt = parseTime(r.eventTime) ?? parseTime(r["@timestamp"]);
  if (!occurredAt) return malformed("aws: no valid eventTime");
  const eventSource = str(r.eventSource);
  const eventName = str(r.eventName);
  if (!eventSource || !eventName) return malformed("aws: no eventSource or eventName");
  const identity = isObject(r.userIdentity) ? r.userIdentity : {};
  const arn = str(identity.arn);
  const assumed = arn ? ASSUMED_ROLE.exec(arn) : null;

  const found = iamActionOf(eventSource, eventName);
  if ("none" in found) return unmappable(found.none);
  const entry = catalog.get("aws", found.action);
  if (!entry) return unmappable(reasons.name("aws action not in catalog", found.action));

  const errorCode = str(r.errorCode);
  return {
    kind: "mapped",
    event: {
      cloud: "aws",
      eventId: clip(eventId, 200)!,
      occurredAt,
      scope: str(r.recipientAccountId) ?? str(identity.accountId),
      principal: clip(
        arn ?? str(identity.principalId) ?? str(identity.invokedBy) ?? str(identity.type) ?? "unknown",
      )!,
      sessionName: assumed ? clip(assumed[3], 128) : null,
      roleName: assumed ? clip(assumed[2], 128) : null,
      roleAssignmentId: null,
      operation: clip(`${eventSource}:${eventName}`, 300)!,
      checks: [
        {
          permission: entry.name,
          allowed: !(errorCode && DENIED_ERRORS.has(errorCode)),
          resource: clip(resourceOf(r)),
        },
      ],
    },
  };
}

function resourceOf(r: Json): string | null {
  if (Array.isArray(r.resources)) {
    const first = r.resources.find((x) => isObject(x) && str(x.ARN));
    if (isObject(first)) return str(first.ARN);
  }
  const p = isObject(r.requestParameters) ? r.requestParameters : {};
  const bucket = str(p.bucketName);
  if (bucket) return `arn:aws:s3:::${bucket}${str(p.key) ? `/${p.key}` : ""}`;
  return null;
}
