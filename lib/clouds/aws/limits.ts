import { CloudError } from "@/lib/clouds/port";
import type { AwsPartition } from "./config";

/** IAM's documented quotas, checked before any call so that a bad spec fails clearly and changes nothing. */
export const AWS_LIMITS = {
  managedPolicySize: 6144,
  /** Managed policies attached to one role (default quota; raisable to 20, which Elevate does not assume). */
  managedPoliciesPerRole: 10,
  roleName: 64,
  policyName: 128,
} as const;

const IAM_NAME = /^[\w+=,.@-]+$/;
const ACCOUNT = /^\d{12}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PRINCIPAL_ARN =
  /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):(user|role)\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

const invalid = (message: string) => new CloudError("permanent", `AWS: ${message}`);

export function checkName(kind: "role" | "policy", name: string): string {
  const max = kind === "role" ? AWS_LIMITS.roleName : AWS_LIMITS.policyName;
  if (name.length < 1 || name.length > max) {
    throw invalid(`${kind} name "${name.slice(0, 80)}" is ${name.length} characters; IAM allows 1 to ${max}`);
  }
  if (!IAM_NAME.test(name)) throw invalid(`${kind} name "${name}" may only use letters, digits and _+=,.@-`);
  return name;
}

/** IAM does not count whitespace toward the policy size quota. */
export function checkManagedPolicy(name: string, document: Record<string, unknown>): string {
  const json = JSON.stringify(document);
  const size = json.replace(/\s/g, "").length;
  if (size > AWS_LIMITS.managedPolicySize) {
    throw invalid(
      `managed policy ${name} is ${size} characters (whitespace not counted); IAM allows ${AWS_LIMITS.managedPolicySize}. Use fewer permissions or wildcards in the template`,
    );
  }
  return json;
}

/** Every part is attached to each grant's role, which holds no other managed policy. */
export function checkPartCount(setName: string, parts: number): number {
  if (parts > AWS_LIMITS.managedPoliciesPerRole) {
    throw invalid(
      `permission set ${setName} needs ${parts} managed policies of ${AWS_LIMITS.managedPolicySize} characters; IAM attaches at most ${AWS_LIMITS.managedPoliciesPerRole} to one role. Ask for fewer permissions or use wildcards in the template`,
    );
  }
  return parts;
}

export function checkAccount(accountId: string): string {
  if (!ACCOUNT.test(accountId))
    throw invalid(`target external id "${accountId}" is not a 12-digit AWS account id`);
  return accountId;
}

export function checkUuid(field: string, value: string): string {
  if (!UUID.test(value)) throw invalid(`${field} "${value}" is not a uuid`);
  return value.toLowerCase();
}

/** A principal ARN (IAM user or role) or a bare IAM user name in the target account. */
export function principalArn(principal: string, accountId: string, partition: AwsPartition): string {
  if (PRINCIPAL_ARN.test(principal)) return principal;
  if (principal.length <= AWS_LIMITS.roleName && IAM_NAME.test(principal)) {
    return `arn:${partition}:iam::${accountId}:user/${principal}`;
  }
  throw invalid(`principal "${principal.slice(0, 80)}" is neither an IAM user/role ARN nor an IAM user name`);
}

export function checkNotAfter(notAfter: Date, now: number): Date {
  if (!Number.isFinite(notAfter.getTime()) || notAfter.getTime() <= now) {
    throw invalid("binding expiry must be a valid instant in the future");
  }
  return notAfter;
}
