import { LimitExceeded, Validation } from "@/lib/errors";
import type { Catalog } from "./catalog";
import { AWS_TYPES, type ResourceKind } from "./role-scope";

/** IAM counts a managed policy's characters without whitespace. */
export const AWS_MANAGED_POLICY_MAX = 6144;
/** Managed policies attachable to one role or user (default quota). */
export const AWS_MAX_ATTACHED = 10;

type Statement = {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: string[];
  Condition?: Record<string, unknown>;
};
export type AwsPolicy = { Version: "2012-10-17"; Statement: Statement[] };

export const policySize = (doc: unknown) => JSON.stringify(doc).replace(/\s/g, "").length;

/** ARN of a resource type narrowed to one resource: the first identifier is the resource, the rest `*`. */
function arnFor(template: string, accountId: string, resource: string): string {
  let first = true;
  return template.replace(/\$\{([A-Za-z]+)\}/g, (_m, v: string) => {
    if (v === "Partition") return "aws";
    if (v === "Region") return "*";
    if (v === "Account") return accountId;
    if (first) {
      first = false;
      return resource;
    }
    return "*";
  });
}

/** Resources of one action: the kind's types, else its required types, else `*` (wildcard-only actions). */
function resourcesFor(
  catalog: Catalog | undefined,
  action: string,
  accountId: string,
  resource: string | null,
  kind?: ResourceKind,
): string[] {
  if (resource === null) return ["*"];
  const entry = catalog?.get("aws", action);
  if (!entry) return [`arn:aws:*:*:${accountId}:*${resource}*`];
  const types = entry.resourceTypes.map((t) => ({ key: t.replace(/\?$/, ""), required: !t.endsWith("?") }));
  const chosen = kind
    ? types.filter((t) => AWS_TYPES[kind].includes(t.key.toLowerCase()))
    : types.some((t) => t.required)
      ? types.filter((t) => t.required)
      : types;
  const arns = chosen.map((t) => catalog?.awsArn(entry.service, t.key)).filter((a): a is string => !!a);
  return arns.length ? [...new Set(arns.map((a) => arnFor(a, accountId, resource)))].sort() : ["*"];
}

/** Actions grouped by identical resources, one Allow statement each, in a stable order. */
export function awsPolicy(
  catalog: Catalog | undefined,
  actions: string[],
  accountId: string,
  resource: string | null,
  kind: ResourceKind | undefined,
  expiresAt: Date | undefined,
): AwsPolicy {
  if (resource !== null && catalog && !/^[0-9]{12}$/.test(accountId))
    throw Validation("accountId", "an AWS account id is 12 digits");
  const groups = new Map<string, string[]>();
  for (const a of actions) {
    const key = JSON.stringify(resourcesFor(catalog, a, accountId, resource, kind));
    groups.set(key, [...(groups.get(key) ?? []), a]);
  }
  const keys = [...groups.keys()].sort();
  const Statement = keys.map(
    (k, i): Statement => ({
      Sid: `Elevate${i + 1}`,
      Effect: "Allow",
      Action: groups.get(k)!,
      Resource: JSON.parse(k) as string[],
      ...(expiresAt ? { Condition: { DateLessThan: { "aws:CurrentTime": expiresAt.toISOString() } } } : {}),
    }),
  );
  return { Version: "2012-10-17", Statement };
}

/**
 * Splits a policy into managed policies of at most 6,144 characters (whitespace is not counted, and the
 * builder emits none). Throws when even the split needs more than the attachable policies.
 */
export function splitPolicy(policy: AwsPolicy): AwsPolicy[] {
  if (policySize(policy) <= AWS_MANAGED_POLICY_MAX) return [policy];
  const parts: AwsPolicy[] = [];
  let current: AwsPolicy = { Version: "2012-10-17", Statement: [] };
  const fits = (p: AwsPolicy) => policySize(p) <= AWS_MANAGED_POLICY_MAX;
  for (const st of policy.Statement) {
    for (const action of st.Action) {
      const last = current.Statement[current.Statement.length - 1];
      const tryDoc: AwsPolicy =
        last && last.Sid === st.Sid
          ? {
              ...current,
              Statement: [...current.Statement.slice(0, -1), { ...last, Action: [...last.Action, action] }],
            }
          : { ...current, Statement: [...current.Statement, { ...st, Action: [action] }] };
      if (fits(tryDoc)) {
        current = tryDoc;
        continue;
      }
      if (current.Statement.length === 0)
        throw LimitExceeded(
          `statement for ${action} alone exceeds ${AWS_MANAGED_POLICY_MAX} characters`,
          "resource",
        );
      parts.push(current);
      current = { Version: "2012-10-17", Statement: [{ ...st, Action: [action] }] };
    }
  }
  if (current.Statement.length) parts.push(current);
  if (parts.length > AWS_MAX_ATTACHED) {
    throw LimitExceeded(
      `the policy needs ${parts.length} managed policies of ${AWS_MANAGED_POLICY_MAX} characters; AWS attaches at most ${AWS_MAX_ATTACHED} to one identity. Ask for fewer permissions`,
      "permissions",
    );
  }
  return parts;
}
