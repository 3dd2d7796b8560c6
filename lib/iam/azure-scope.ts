/**
 * ARM scopes and resource IDs, parsed with fixed patterns only, per the "Scope format" of
 * https://learn.microsoft.com/en-us/azure/role-based-access-control/scope-overview. Refused: extension resources
 * (a second /providers/ below a resource), children of management groups, percent-encoded or wildcard names.
 */

/**
 * ARM documents no limit on resource-ID or scope length (https://learn.microsoft.com/en-us/azure/azure-resource-
 * manager/management/azure-subscription-service-limits lists request size and RBAC counts only), so we bound it
 * at 2048: real IDs nest a few names of at most ~260 characters each (resource-name-rules).
 */
export const MAX_SCOPE_LENGTH = 2048;

export type AzureScopeKind = "root" | "managementGroup" | "subscription" | "resourceGroup" | "resource";
export type AzureScope = { kind: AzureScopeKind; segments: string[] };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Resource group: 1-90 of underscores, hyphens, periods, parentheses, letters or digits (Char.IsLetterOrDigit:
// Unicode letters and decimal digits), not ending in a period (resource-name-rules, Microsoft.Resources).
const RESOURCE_GROUP = /^[\p{L}\p{Nd}_\-.()]{1,90}$/u;
// Management group id: 1-90 of alphanumerics, hyphens, underscores, periods, parentheses; no trailing period.
const MANAGEMENT_GROUP = /^[A-Za-z0-9_\-.()]{1,90}$/;
// "{Company}.{ProviderName}" (role-definitions, "Operations format"), e.g. Microsoft.Storage, Dynatrace.Observability.
const NAMESPACE = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)+$/;
const RESOURCE_TYPE = /^[A-Za-z][A-Za-z0-9]*$/;
// Refused in names: "#" (breaks ARM URL parsing, resource-name-rules), <>%&\? (refused by many types, and "%"
// would let encoded and plain IDs differ), "*" (a scope is never a pattern) and control characters.
const BAD_NAME_CHAR = /[<>%&\\?#*\p{Cc}]/u;

const ieq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Parses a scope, or returns the reason it is refused. */
export function parseAzureScope(scope: string): AzureScope | string {
  if (typeof scope !== "string" || scope.length === 0) return "a scope is a non-empty string";
  if (scope.length > MAX_SCOPE_LENGTH) return `a scope is at most ${MAX_SCOPE_LENGTH} characters`;
  if (scope === "/") return { kind: "root", segments: [] };
  if (!scope.startsWith("/")) return 'a scope starts with "/"';
  if (scope.endsWith("/")) return 'a scope does not end with "/"';
  const segments = scope.slice(1).split("/");
  if (segments.some((s) => s.length === 0)) return 'a scope has no empty segments ("//")';

  if (ieq(segments[0], "providers")) {
    const [, ns, type, id] = segments;
    if (segments.length !== 4 || !ieq(ns, "Microsoft.Management") || !ieq(type, "managementGroups"))
      return "the only tenant-level provider scope is /providers/Microsoft.Management/managementGroups/{id}";
    if (!MANAGEMENT_GROUP.test(id) || id.endsWith(".")) return `invalid management group id "${id}"`;
    return { kind: "managementGroup", segments };
  }
  if (!ieq(segments[0], "subscriptions"))
    return 'a scope starts with "/subscriptions/", "/providers/" or is "/"';
  if (segments.length < 2 || !GUID.test(segments[1])) return "a subscription id is a GUID";
  let i = 2;
  let kind: AzureScopeKind = "subscription";
  if (i < segments.length && ieq(segments[i], "resourceGroups")) {
    const rg = segments[i + 1];
    if (rg === undefined || !RESOURCE_GROUP.test(rg) || rg.endsWith("."))
      return "a resource group name is 1-90 letters, digits or _-.() and does not end with a period";
    i += 2;
    kind = "resourceGroup";
  }
  if (i === segments.length) return { kind, segments };
  if (!ieq(segments[i], "providers")) return `unexpected segment "${segments[i]}"`;
  const namespace = segments[i + 1];
  if (namespace === undefined || !NAMESPACE.test(namespace))
    return 'a resource provider namespace looks like "Microsoft.Storage"';
  const rest = segments.slice(i + 2);
  if (rest.length === 0 || rest.length % 2 !== 0) return "a resource path is pairs of /{type}/{name}";
  for (let j = 0; j < rest.length; j += 2) {
    const [type, name] = [rest[j], rest[j + 1]];
    if (!RESOURCE_TYPE.test(type) || ieq(type, "providers")) return `invalid resource type segment "${type}"`;
    if (BAD_NAME_CHAR.test(name) || name.trim() !== name) return `invalid resource name "${name}"`;
  }
  return { kind: "resource", segments };
}

/** Validates an ARM scope string; returns an error message or null. */
export function checkAzureScope(scope: string): string | null {
  const parsed = parseAzureScope(scope);
  return typeof parsed === "string" ? parsed : null;
}

/**
 * Is `child` equal to or below `parent`? Whole segments, case-insensitively, never a string prefix:
 * ".../containers/orders" does not contain ".../containers/orders-archive". Invalid scopes contain nothing and
 * are contained by nothing. Management-group membership of subscriptions is not known here, so a management
 * group contains only itself.
 */
export function scopeContains(parent: string, child: string): boolean {
  const p = parseAzureScope(parent);
  const c = parseAzureScope(child);
  if (typeof p === "string" || typeof c === "string") return false;
  if (p.segments.length > c.segments.length) return false;
  return p.segments.every((s, k) => ieq(s, c.segments[k]));
}
