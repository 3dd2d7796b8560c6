import {
  type Check,
  clip,
  isObject,
  type Json,
  malformed,
  type Outcome,
  parseTime,
  str,
  unmappable,
} from "../types";
import type { CatalogLookup, ReasonNames } from "./catalog-lookup";
import { permissionOfMethod } from "./gcp-methods";

/** google.rpc.Code PERMISSION_DENIED (cloud.google.com/logging/docs/reference/audit/auditlog/rest/Shared.Types/AuditLog). */
const PERMISSION_DENIED = 7;
const PROJECT = /^projects\/([^/]+)\//;

/**
 * A Cloud Audit Logs LogEntry (cloud.google.com/logging/docs/reference/v2/rest/v2/LogEntry) mapped: the
 * permissions from `protoPayload.authorizationInfo[]` with their `granted` flag, else the method's permission.
 */
export function mapLogEntry(e: Json, catalog: CatalogLookup, reasons: ReasonNames): Outcome {
  const insertId = str(e.insertId);
  if (!insertId) return malformed("gcp: no insertId");
  const occurredAt = parseTime(e.timestamp) ?? parseTime(e.receiveTimestamp);
  if (!occurredAt) return malformed("gcp: no valid timestamp");
  const p = isObject(e.protoPayload) ? e.protoPayload : null;
  if (!p) return malformed("gcp: no protoPayload");
  const methodName = str(p.methodName);
  if (!methodName) return malformed("gcp: no methodName");
  const authn = isObject(p.authenticationInfo) ? p.authenticationInfo : {};
  const status = isObject(p.status) ? p.status : {};
  const denied = status.code === PERMISSION_DENIED;
  const resourceName = str(p.resourceName);

  const checks: Check[] = [];
  const unknown: string[] = [];
  const infos = Array.isArray(p.authorizationInfo) ? p.authorizationInfo.filter(isObject) : [];
  for (const a of infos) {
    const perm = str(a.permission);
    if (!perm) continue;
    const entry = catalog.get("gcp", perm);
    if (!entry) {
      unknown.push(perm);
      continue;
    }
    if (checks.some((c) => c.permission === entry.name)) continue;
    checks.push({ permission: entry.name, allowed: a.granted !== false, resource: clip(str(a.resource)) });
  }
  if (infos.length === 0) {
    const perm = permissionOfMethod(methodName, str(p.serviceName));
    if (!perm) return unmappable(reasons.name("gcp method not in the method map", methodName));
    const entry = catalog.get("gcp", perm);
    if (!entry) return unmappable(reasons.name("gcp permission not in catalog", perm));
    checks.push({ permission: entry.name, allowed: !denied, resource: clip(resourceName) });
  }
  if (checks.length === 0)
    return unmappable(reasons.name("gcp permission not in catalog", unknown[0] ?? methodName));
  // The denied check first: it is the record's own row, the others are stored beside it.
  checks.sort((a, b) => Number(a.allowed) - Number(b.allowed));

  const logName = str(e.logName);
  const resource = isObject(e.resource) && isObject(e.resource.labels) ? e.resource.labels : {};
  return {
    kind: "mapped",
    event: {
      cloud: "gcp",
      eventId: clip(logName ? `${logName}|${insertId}` : insertId, 600)!,
      occurredAt,
      scope: str(resource.project_id) ?? (logName ? (PROJECT.exec(logName)?.[1] ?? null) : null),
      principal: clip(str(authn.principalEmail) ?? str(authn.principalSubject) ?? "unknown")!,
      sessionName: null,
      roleName: null,
      roleAssignmentId: null,
      operation: clip(methodName, 300)!,
      checks,
    },
  };
}
