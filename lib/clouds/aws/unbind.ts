import {
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
} from "@aws-sdk/client-iam";
import { CloudError, type Evidence } from "@/lib/clouds/port";
import { call, listAll } from "./call";
import type { AwsCtx } from "./context";
import { revokeOlderSessionsPolicy } from "./documents";
import { REVOKE_POLICY, roleNameFor } from "./naming";

const GONE = ["NoSuchEntity"];

export async function unbindRole(ctx: AwsCtx, bindingId: string): Promise<Evidence> {
  const requestIds: string[] = [];
  await removeBinding(ctx, roleNameFor(bindingId), requestIds);
  return { requestIds };
}

/**
 * Sessions outlive policy removal, so the first write cuts every session issued before now (AWS's
 * "revoke older sessions" Deny); then detach, delete inline policies (that Deny last) and the role.
 * A role already gone at any step means an earlier attempt finished: that is success.
 */
export async function removeBinding(ctx: AwsCtx, roleName: string, requestIds: string[]): Promise<void> {
  const revoke = JSON.stringify(revokeOlderSessionsPolicy(new Date(ctx.now())));
  const revoked = await call(
    requestIds,
    "PutRolePolicy",
    () =>
      ctx.client.send(
        new PutRolePolicyCommand({ RoleName: roleName, PolicyName: REVOKE_POLICY, PolicyDocument: revoke }),
      ),
    GONE,
  );
  if (!revoked.ok) return;
  const attached = await listAll(
    requestIds,
    "ListAttachedRolePolicies",
    (Marker) => ctx.client.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName, Marker })),
    (p) => p.AttachedPolicies,
    GONE,
  );
  for (const p of attached ?? []) {
    await call(
      requestIds,
      "DetachRolePolicy",
      () => ctx.client.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: p.PolicyArn })),
      GONE,
    );
  }
  const inline = await listAll(
    requestIds,
    "ListRolePolicies",
    (Marker) => ctx.client.send(new ListRolePoliciesCommand({ RoleName: roleName, Marker })),
    (p) => p.PolicyNames,
    GONE,
  );
  const ordered = [...(inline ?? []).filter((n) => n !== REVOKE_POLICY), REVOKE_POLICY];
  for (const name of ordered) {
    await call(
      requestIds,
      "DeleteRolePolicy",
      () => ctx.client.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: name })),
      GONE,
    );
  }
  const deleted = await call(
    requestIds,
    "DeleteRole",
    () => ctx.client.send(new DeleteRoleCommand({ RoleName: roleName })),
    [...GONE, "DeleteConflict"],
  );
  // A policy the lists did not show yet (IAM reads lag writes) or attached meanwhile: a retry re-lists.
  if (!deleted.ok && deleted.code === "DeleteConflict") {
    throw new CloudError("retryable", `AWS IAM DeleteRole: DeleteConflict: ${roleName} still has policies`);
  }
}
