import { AttachRolePolicyCommand } from "@aws-sdk/client-iam";
import type { RoleSpec } from "@/db/schema";
import { CloudError } from "@/lib/clouds/port";
import { call } from "./call";
import type { AwsCtx } from "./context";
import { AWS_LIMITS, checkManagedPolicy, checkName, checkPartCount } from "./limits";
import { POLICY_PATH, partArn, partName, partsPath, policyArn } from "./naming";

/** One customer managed policy to create for a permission set. */
export type ManagedPolicyPlan = { name: string; path: string; document: string; description: string };

/**
 * The managed policies a spec becomes: its whole document, or, when the builder split it (`parts`, each
 * within 6,144 characters), one policy per part. Every name, size and the part count are checked first.
 */
export function managedPoliciesFor(spec: RoleSpec): ManagedPolicyPlan[] {
  const setName = checkName("policy", spec.roleName);
  const description = `Managed by Elevate: permission set ${spec.hash}`;
  const parts = partsOf(spec);
  if (!parts) {
    const document = checkManagedPolicy(setName, spec.document);
    return [{ name: setName, path: POLICY_PATH, document, description }];
  }
  checkPartCount(setName, parts.length);
  return parts.map((part, i) => {
    const name = checkName("policy", partName(setName, i + 1));
    const document = checkManagedPolicy(name, part);
    return {
      name,
      path: partsPath(setName),
      document,
      description: `${description}, part ${i + 1} of ${parts.length}`,
    };
  });
}

/** The spec is stored JSON (a grant's role_spec): check the parts' shape rather than trust the type. */
function partsOf(spec: RoleSpec): Record<string, unknown>[] | null {
  const parts: unknown = spec.parts;
  if (parts === undefined || parts === null) return null;
  const ok =
    Array.isArray(parts) && parts.every((p) => typeof p === "object" && p !== null && !Array.isArray(p));
  if (!ok)
    throw new CloudError(
      "permanent",
      `AWS: role spec ${spec.roleName} has parts that are not policy documents`,
    );
  return parts.length > 1 ? (parts as Record<string, unknown>[]) : null;
}

/**
 * Attaches the permission set to a grant's role: its single managed policy, else its parts p1, p2… up to
 * the first that does not exist. AttachRolePolicy is a write, so it sees a policy created a moment ago
 * where a List would lag; ensureRole creates every part before any bind, so the parts have no gap.
 */
export async function attachPermissionSet(
  ctx: AwsCtx,
  requestIds: string[],
  roleName: string,
  accountId: string,
  setName: string,
): Promise<void> {
  const attach = (arn: string) =>
    call(
      requestIds,
      "AttachRolePolicy",
      () => ctx.client.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: arn })),
      ["NoSuchEntity"],
    );
  if ((await attach(policyArn(ctx.partition, accountId, setName))).ok) return;
  for (let i = 1; i <= AWS_LIMITS.managedPoliciesPerRole; i++) {
    if ((await attach(partArn(ctx.partition, accountId, setName, i))).ok) continue;
    if (i > 1) return;
    throw new CloudError(
      "not_found",
      `AWS IAM AttachRolePolicy: NoSuchEntity: managed policy ${setName} (or its part ${partName(setName, 1)}) does not exist`,
      undefined,
      requestIds.at(-1),
    );
  }
}
