const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NAMESPACE = /^[A-Za-z][A-Za-z0-9-]*(\.[A-Za-z0-9-]+)+$/;

export type ScopeProblem = { code: "InvalidSubscriptionId" | "InvalidApiVersionParameter"; why: string };

/**
 * ARM's scope grammar (REST reference, Role Assignments - Create, `scope`): `/subscriptions/{id}`, then
 * `/resourceGroups/{rg}`, then `/providers/{Namespace}/[{parent type}/{parent name}/]{type}/{name}`
 * (repeatable for extension resources); also the tenant root ("") and a management group.
 */
export function scopeProblem(scope: string): ScopeProblem | null {
  if (scope === "") return null;
  const malformed = (why: string): ScopeProblem => ({ code: "InvalidApiVersionParameter", why });
  const segs = scope.split("/").slice(1);
  if (segs.some((s) => s === "")) return malformed("it has an empty segment");
  const lower = segs.map((s) => s.toLowerCase());
  if (lower[0] === "providers" && lower[1] === "microsoft.management" && lower[2] === "managementgroups") {
    return segs.length === 4 ? null : malformed("a management group scope names one group");
  }
  if (lower[0] !== "subscriptions" || segs.length < 2)
    return malformed("it does not start with a subscription");
  if (!GUID.test(segs[1])) {
    return { code: "InvalidSubscriptionId", why: `the subscription identifier '${segs[1]}' is malformed` };
  }
  let i = 2;
  if (lower[i] === "resourcegroups") {
    if (segs.length < i + 2) return malformed("resourceGroups has no name");
    i += 2;
  }
  while (i < segs.length) {
    if (lower[i] !== "providers") return malformed(`'${segs[i]}' stands where 'providers' belongs`);
    if (!NAMESPACE.test(segs[i + 1] ?? "")) return malformed("providers has no namespace");
    i += 2;
    const first = i;
    // Type/name pairs up to the next "providers" (a name may itself be "providers": pairs step by two).
    while (i < segs.length && lower[i] !== "providers") i += 2;
    if (i === first) return malformed(`${segs[first - 1]} has no resource type and name`);
    if (i > segs.length) return malformed(`resource type '${segs.at(-1)}' has no name`);
  }
  return null;
}

/** `scope` is `ancestor` or below it, on a segment boundary; ARM ids compare case-insensitively. */
export function within(scope: string, ancestor: string): boolean {
  const s = scope.toLowerCase();
  const a = ancestor.toLowerCase();
  return a === "" || s === a || s.startsWith(`${a}/`);
}

/** At, above or below: the scopes whose assignments bear on each other. */
export const related = (a: string, b: string) => within(a, b) || within(b, a);
