import { randomBytes } from "node:crypto";

export type Tag = { Key: string; Value: string };

export type FakePolicyVersion = { id: string; document: string; isDefault: boolean; createDate: Date };

export type FakePolicy = {
  name: string;
  path: string;
  arn: string;
  id: string;
  description?: string;
  versions: FakePolicyVersion[];
  tags: Tag[];
  createDate: Date;
  /** Eventual consistency: reads do not see the policy before this instant (ms). */
  visibleAt: number;
};

export type FakeRole = {
  name: string;
  path: string;
  arn: string;
  id: string;
  trustPolicy: string;
  maxSessionDuration: number;
  description?: string;
  tags: Tag[];
  createDate: Date;
  visibleAt: number;
  /** Attached managed policy ARNs, in attachment order. */
  attached: string[];
  inline: Map<string, string>;
};

export type RecordedCall = {
  action: string;
  params: Record<string, string>;
  status: number;
  requestId: string;
};

/** Everything the fake account holds. Names are case-insensitive in IAM, so maps are keyed by lower case. */
export type FakeIamState = {
  accountId: string;
  roles: Map<string, FakeRole>;
  policies: Map<string, FakePolicy>;
  /** Every request in arrival order, for tests that assert what was sent and when. */
  calls: RecordedCall[];
};

export function newState(accountId: string): FakeIamState {
  return { accountId, roles: new Map(), policies: new Map(), calls: [] };
}

/** IAM unique ids: a four-letter prefix (AROA roles, ANPA policies) and 17 upper-case characters. */
export function uniqueId(prefix: "AROA" | "ANPA"): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  return prefix + Array.from(randomBytes(17), (b) => alphabet[b % 32]).join("");
}

export const policyArn = (accountId: string, path: string, name: string) =>
  `arn:aws:iam::${accountId}:policy${path}${name}`;
export const roleArn = (accountId: string, path: string, name: string) =>
  `arn:aws:iam::${accountId}:role${path}${name}`;

export function findPolicyByArn(state: FakeIamState, arn: string): FakePolicy | undefined {
  const name = arn.slice(arn.lastIndexOf("/") + 1).toLowerCase();
  const p = state.policies.get(name);
  return p && p.arn === arn ? p : undefined;
}
