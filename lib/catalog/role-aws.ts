import { LimitExceeded, Validation } from "@/lib/errors";
import { awsScopeFor } from "./aws-arns";
import type { Catalog } from "./catalog";
import type { ParsedResource } from "./resources";

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

/** A statement's resources and the actions on them; `wide` statements are the account-wide ones. */
type Group = { resources: string[]; actions: string[]; wide: string | null };

export type AwsPolicyInput = {
  catalog: Catalog;
  actions: string[];
  accountId: string;
  partition?: string;
  resource: Extract<ParsedResource, { cloud: "aws" }> | null;
  /** The target's regions: an `aws:RequestedRegion` condition on every statement when set. */
  regions?: string[];
};

/**
 * The identity policy for a set of actions: without a resource one statement on "*"; with one, a statement
 * per distinct ARN set, and actions that support only "*" in their own statement (reported as account-wide).
 * An action that acts on other resource types than the kind is refused: "*" would widen it silently.
 */
export function awsPolicy(input: AwsPolicyInput): {
  policy: AwsPolicy;
  wide: { actions: string[]; why: string }[];
} {
  const { catalog, actions, resource } = input;
  if (!/^[0-9]{12}$/.test(input.accountId)) throw Validation("accountId", "an AWS account id is 12 digits");
  const groups = new Map<string, Group>();
  const add = (resources: string[], action: string, wide: string | null) => {
    const key = JSON.stringify(resources);
    const g = groups.get(key) ?? { resources, actions: [], wide };
    g.actions.push(action);
    groups.set(key, g);
  };
  const refused: string[] = [];
  for (const a of actions) {
    if (!resource) {
      add(["*"], a, null);
      continue;
    }
    const scope = awsScopeFor(catalog, a, resource.kind, {
      partition: input.partition ?? "aws",
      region: input.regions?.length === 1 ? input.regions[0] : null,
      account: input.accountId,
      name: resource.name,
    });
    if ("arns" in scope) add(scope.arns, a, null);
    else if ("star" in scope) add(["*"], a, scope.star);
    else refused.push(`${a} (${scope.refused})`);
  }
  if (refused.length)
    throw Validation(
      "permissions",
      `cannot be narrowed to ${resource?.kind} ${resource?.name}: ${refused.join("; ")}. Leave them out or ask for them without a resource`,
    );
  const regionCondition =
    input.regions && input.regions.length > 0
      ? { StringEquals: { "aws:RequestedRegion": [...input.regions].sort() } }
      : null;
  const ordered = [...groups.values()].sort((x, y) =>
    JSON.stringify(x.resources).localeCompare(JSON.stringify(y.resources)),
  );
  const Statement = ordered.map(
    (g, i): Statement => ({
      Sid: `Elevate${i + 1}`,
      Effect: "Allow",
      Action: [...g.actions].sort(),
      Resource: g.resources,
      ...(regionCondition ? { Condition: regionCondition } : {}),
    }),
  );
  const wide = ordered
    .filter((g) => g.wide !== null)
    .map((g) => ({ actions: [...g.actions].sort(), why: g.wide as string }));
  return { policy: { Version: "2012-10-17", Statement }, wide };
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
