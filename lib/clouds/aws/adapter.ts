import type { CloudAdapter } from "@/lib/clouds/port";
import { bindRole } from "./binding";
import { checkRoleAccess } from "./check-access";
import { type AwsAdapterConfig, createIamClient } from "./config";
import type { AwsCtx } from "./context";
import { deleteManagedPolicy, ensureManagedPolicy } from "./managed-policy";
import { inspectRole, listManagedArtifacts } from "./read";
import { unbindRole } from "./unbind";

/**
 * AWS IAM: a content-addressed customer managed policy per permission set (the "cloud role"), and per
 * grant an IAM role the requester may assume, with the expiry in its trust policy and an inline Deny.
 * See README.md beside this file for the reasoning.
 */
export function awsAdapter(config: AwsAdapterConfig): CloudAdapter {
  const ctx: AwsCtx = {
    client: createIamClient(config),
    partition: config.partition ?? "aws",
    now: Date.now,
  };
  return {
    kind: "aws",
    ensureRole: (target, spec) => ensureManagedPolicy(ctx, target, spec),
    bind: (target, binding) => bindRole(ctx, target, binding),
    unbind: (_target, bindingId) => unbindRole(ctx, bindingId),
    inspect: (_target, bindingId) => inspectRole(ctx, bindingId),
    listManaged: (target) => listManagedArtifacts(ctx, target),
    deleteRole: (target, roleName) => deleteManagedPolicy(ctx, target, roleName),
    checkAccess: (target, binding, spec) => checkRoleAccess(ctx, target, binding, spec),
  };
}
