import {
  CreatePolicyCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  ListPoliciesCommand,
  ListPolicyVersionsCommand,
} from "@aws-sdk/client-iam";
import type { RoleSpec } from "@/db/schema";
import { CloudError, type Evidence, type TargetRow } from "@/lib/clouds/port";
import { call, listAll } from "./call";
import type { AwsCtx } from "./context";
import { checkAccount, checkName } from "./limits";
import { partsPath, permissionSetOf, policyArn, TAG } from "./naming";
import { managedPoliciesFor } from "./policy-parts";

const GONE = ["NoSuchEntity"];

/**
 * The permission set's content-addressed customer managed policy, or each of its parts when the builder
 * split it; "already exists" means another grant made it. Everything is checked before the first call.
 */
export async function ensureManagedPolicy(
  ctx: AwsCtx,
  target: TargetRow,
  spec: RoleSpec,
): Promise<Evidence & { roleName: string }> {
  if (spec.cloud !== "aws") throw new CloudError("permanent", `AWS: role spec is for ${spec.cloud}, not aws`);
  const plans = managedPoliciesFor(spec);
  const requestIds: string[] = [];
  for (const plan of plans) {
    const tags = [
      { Key: TAG.managed, Value: "true" },
      { Key: TAG.org, Value: target.orgId },
      ...(plans.length > 1 ? [{ Key: TAG.role, Value: spec.roleName }] : []),
    ];
    await call(
      requestIds,
      "CreatePolicy",
      () =>
        ctx.client.send(
          new CreatePolicyCommand({
            PolicyName: plan.name,
            Path: plan.path,
            PolicyDocument: plan.document,
            Description: plan.description,
            Tags: tags,
          }),
        ),
      ["EntityAlreadyExists"],
    );
  }
  return { requestIds, roleName: spec.roleName };
}

/**
 * Deletes an unused permission set: its single policy and every part. deleteRole gets only the name, so
 * the parts are found by listing their own path (any count, and gaps a half-done earlier delete left);
 * lists lag writes by seconds, but the garbage collector only deletes sets unused for minutes.
 */
export async function deleteManagedPolicy(
  ctx: AwsCtx,
  target: TargetRow,
  roleName: string,
): Promise<Evidence> {
  const accountId = checkAccount(target.externalId);
  const setName = checkName("policy", roleName);
  const requestIds: string[] = [];
  await deletePolicy(ctx, requestIds, policyArn(ctx.partition, accountId, setName));
  const listed = await listAll(
    requestIds,
    "ListPolicies",
    (Marker) =>
      ctx.client.send(new ListPoliciesCommand({ Scope: "Local", PathPrefix: partsPath(setName), Marker })),
    (p) => p.Policies,
  );
  for (const p of listed ?? []) {
    if (p.Arn && permissionSetOf(p.Path, p.PolicyName) === setName)
      await deletePolicy(ctx, requestIds, p.Arn);
  }
  return { requestIds };
}

/** Non-default versions first, as IAM requires; a policy already gone is done. */
async function deletePolicy(ctx: AwsCtx, requestIds: string[], arn: string): Promise<void> {
  const versions = await listAll(
    requestIds,
    "ListPolicyVersions",
    (Marker) => ctx.client.send(new ListPolicyVersionsCommand({ PolicyArn: arn, Marker })),
    (p) => p.Versions,
    GONE,
  );
  if (versions === null) return;
  for (const v of versions.filter((x) => !x.IsDefaultVersion)) {
    await call(
      requestIds,
      "DeletePolicyVersion",
      () => ctx.client.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: v.VersionId })),
      GONE,
    );
  }
  await call(
    requestIds,
    "DeletePolicy",
    () => ctx.client.send(new DeletePolicyCommand({ PolicyArn: arn })),
    GONE,
  );
}
