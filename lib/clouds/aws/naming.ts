import { bindingIdFor, CloudError } from "@/lib/clouds/port";
import type { AwsPartition } from "./config";
import { checkName } from "./limits";

/** Content-addressed managed policies are shared by every grant in the account. */
export const POLICY_PATH = "/elevate/";
/** Per-grant roles sit under the org, so listing one org's bindings never shows another's. */
export const rolePath = (orgId: string) => `/elevate/${orgId}/`;

export const EXPIRY_POLICY = "elevate-expiry";
/** The name the IAM console gives its "Revoke active sessions" policy. */
export const REVOKE_POLICY = "AWSRevokeOlderSessions";

export const TAG = {
  grant: "elevate:grant",
  org: "elevate:org",
  managed: "elevate:managed",
  role: "elevate:role",
};

export const policyArn = (partition: AwsPartition, accountId: string, name: string) =>
  `arn:${partition}:iam::${accountId}:policy${POLICY_PATH}${name}`;

/**
 * A permission set too big for one managed policy is split into parts `<set>-p1`, `<set>-p2`… under the
 * set's own path `/elevate/<set>/`: one ListPolicies on that path finds every part, and nothing else.
 */
export const partsPath = (setName: string) => `${POLICY_PATH}${setName}/`;
export const partName = (setName: string, index: number) => `${setName}-p${index}`;
export const partArn = (partition: AwsPartition, accountId: string, setName: string, index: number) =>
  `arn:${partition}:iam::${accountId}:policy${partsPath(setName)}${partName(setName, index)}`;

/** The permission set a listed managed policy belongs to: its own name, or the set it is a part of. */
export function permissionSetOf(path: string | undefined, name: string | undefined): string | null {
  if (!path || !name) return null;
  if (path === POLICY_PATH) return name;
  const set = path.startsWith(POLICY_PATH) ? path.slice(POLICY_PATH.length, -1) : "";
  const isPart = set && partsPath(set) === path && /^\d+$/.test(name.slice(`${set}-p`.length));
  return isPart && name.startsWith(`${set}-p`) ? set : null;
}

const PREFIX = bindingIdFor("");

/** The per-grant role is named by the binding id (`elevate-<grantId>`, 44 characters for a uuid). */
export function roleNameFor(bindingId: string): string {
  if (!bindingId.startsWith(PREFIX) || bindingId.length === PREFIX.length) {
    throw new CloudError("permanent", `AWS: "${bindingId.slice(0, 80)}" is not an Elevate binding id`);
  }
  return checkName("role", bindingId);
}

export const grantIdOf = (roleName: string): string | null =>
  roleName.startsWith(PREFIX) ? roleName.slice(PREFIX.length) : null;
