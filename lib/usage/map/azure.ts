import { createHash } from "node:crypto";
import { clip, isObject, type Json, malformed, type Outcome, parseTime, str, unmappable } from "../types";
import type { CatalogLookup, ReasonNames } from "./catalog-lookup";

const SUBSCRIPTION = /^\/subscriptions\/([0-9a-f-]{36})(\/|$)/i;
const UPN = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn";
const OBJECT_ID = "http://schemas.microsoft.com/identity/claims/objectidentifier";
/** Intermediate states of one operation; its final event (Succeeded/Failed) is the one counted. */
const INTERMEDIATE = new Set(["started", "accepted", "active", "inprogress"]);

/** A value that is a string, or a localizable `{ value, localizedValue }` as `az monitor activity-log list` writes. */
const text = (v: unknown): string | null => str(v) ?? (isObject(v) ? str(v.value) : null);

/**
 * An Activity Log event mapped, in either shape: `az monitor activity-log list` (EventData, camelCase:
 * learn.microsoft.com/rest/api/monitor/activity-logs/list#eventdata) or a diagnostic-settings export record
 * (learn.microsoft.com/azure/azure-monitor/essentials/activity-log-schema#schema-from-storage-account-and-event-hubs).
 */
export function mapActivityEvent(e: Json, catalog: CatalogLookup, reasons: ReasonNames): Outcome {
  const identity = isObject(e.identity) ? e.identity : {};
  const authz = isObject(e.authorization)
    ? e.authorization
    : isObject(identity.authorization)
      ? identity.authorization
      : {};
  const claims = isObject(e.claims) ? e.claims : isObject(identity.claims) ? identity.claims : {};
  const props = isObject(e.properties) ? e.properties : {};
  const occurredAt = parseTime(e.eventTimestamp) ?? parseTime(e.time);
  if (!occurredAt) return malformed("azure: no valid eventTimestamp or time");
  const operation = text(e.operationName) ?? str(authz.action);
  if (!operation) return malformed("azure: no operationName");
  const status = (text(e.status) ?? str(e.resultType) ?? "").toLowerCase();
  const eventId =
    str(e.eventDataId) ??
    str(props.eventDataId) ??
    // Diagnostic exports may omit eventDataId: the operation, its status and time name the event.
    (str(e.correlationId)
      ? `sha256:${digest([e.correlationId, operation, status, e.time, e.resourceId])}`
      : null);
  if (!eventId) return malformed("azure: no eventDataId or correlationId");
  if (INTERMEDIATE.has(status)) return unmappable("azure: intermediate status (the final event is counted)");

  const action = str(authz.action) ?? operation;
  const entry = catalog.get("azure", action);
  if (!entry) return unmappable(reasons.name("azure operation not in catalog", action));

  const sub = (text(e.subStatus) ?? str(e.resultSignature) ?? str(props.statusCode) ?? "").toLowerCase();
  const message = JSON.stringify(props.statusMessage ?? "");
  const denied =
    status === "failed" || status === "failure"
      ? sub.includes("forbidden") || message.includes("AuthorizationFailed")
      : false;
  const evidence = isObject(authz.evidence) ? authz.evidence : {};
  const resourceId = str(e.resourceId) ?? str(authz.scope);
  const subscription =
    str(e.subscriptionId) ?? (resourceId ? (SUBSCRIPTION.exec(resourceId)?.[1] ?? null) : null);
  const caller =
    str(e.caller) ?? str(claims[UPN]) ?? str(claims[OBJECT_ID]) ?? str(evidence.principalId) ?? "unknown";
  const assignment = str(evidence.roleAssignmentId);
  return {
    kind: "mapped",
    event: {
      cloud: "azure",
      eventId: clip(eventId, 200)!,
      occurredAt,
      scope: subscription?.toLowerCase() ?? null,
      principal: clip(caller)!,
      sessionName: null,
      roleName: null,
      roleAssignmentId: assignment ? (assignment.split("/").at(-1)?.toLowerCase() ?? null) : null,
      operation: clip(operation, 300)!,
      checks: [{ permission: entry.name, allowed: !denied, resource: clip(resourceId) }],
    },
  };
}

function digest(parts: unknown[]): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 40);
}
