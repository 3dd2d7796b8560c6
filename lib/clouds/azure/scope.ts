import { CloudError } from "@/lib/clouds/port";

const NAMESPACE = /^[A-Za-z][A-Za-z0-9-]*(\.[A-Za-z0-9-]+)+$/;
/** One path segment: names Azure allows, never a wildcard, query, fragment, escape or whitespace. */
const SEGMENT = /^[\p{L}\p{N}_.()~:@,=+-]{1,260}$/u;

const refuse = (scope: string, why: string) =>
  new CloudError("permanent", `azure: assignment scope "${scope}" ${why}`);

/**
 * The scope a grant is assigned at: the target's subscription (`scope` absent), or a resource group or
 * resource below it, `/resourceGroups/{rg}[/providers/{Namespace}/{type}/{name}[/{type}/{name}]…]`
 * (https://learn.microsoft.com/en-us/azure/role-based-access-control/scope-overview). Never above or beside.
 */
export function assignmentScope(subscription: string, scope: string | undefined): string {
  if (scope === undefined) return subscription;
  if (!scope.startsWith("/")) throw refuse(scope, "must start with /");
  const parts = scope.split("/").slice(1);
  if (parts.some((s) => s === "")) throw refuse(scope, "has an empty segment");
  const [root, id] = subscription.split("/").slice(1);
  if (parts[0]?.toLowerCase() !== root || parts[1]?.toLowerCase() !== id)
    throw refuse(scope, `is not within the target's subscription ${subscription}`);
  const rest = parts.slice(2);
  const why = malformed(rest);
  if (why) throw refuse(scope, why);
  return [subscription, ...rest].join("/");
}

function malformed(rest: string[]): string | null {
  const odd = rest.find((s) => !SEGMENT.test(s) || s === "." || s === "..");
  if (odd !== undefined) return `has an invalid segment "${odd}"`;
  let i = 0;
  if (rest[0]?.toLowerCase() === "resourcegroups") {
    if (rest.length < 2) return "names no resource group";
    i = 2;
  }
  while (i < rest.length) {
    if (rest[i].toLowerCase() !== "providers") return `has "${rest[i]}" where "providers" belongs`;
    if (!NAMESPACE.test(rest[i + 1] ?? "")) return "names no resource provider namespace";
    i += 2;
    const first = i;
    // Type/name pairs up to the next "providers"; stepping by two lets a resource be named "providers".
    while (i < rest.length && rest[i].toLowerCase() !== "providers") i += 2;
    if (i === first) return `names no resource type and name under ${rest[first - 1]}`;
    if (i > rest.length) return `has resource type "${rest.at(-1)}" without a name`;
  }
  return null;
}

/** At or below `ancestor` on a segment boundary; ARM ids compare case-insensitively. */
export function isWithin(scope: string | undefined, ancestor: string): boolean {
  const s = (scope ?? "").toLowerCase();
  const a = ancestor.toLowerCase();
  return s === a || s.startsWith(`${a}/`);
}
