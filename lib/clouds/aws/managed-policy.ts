import {
  CreatePolicyCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  ListPolicyVersionsCommand,
} from "@aws-sdk/client-iam";
import type { RoleSpec } from "@/db/schema";
import { CloudError, type Evidence, type TargetRow } from "@/lib/clouds/port";
import { call, listAll } from "./call";
import type { AwsCtx } from "./context";
import { checkAccount, checkManagedPolicy, checkName } from "./limits";
import { POLICY_PATH, policyArn, TAG } from "./naming";

/** The content-addressed customer managed policy; "already exists" means another grant made it. */
export async function ensureManagedPolicy(
  ctx: AwsCtx,
  target: TargetRow,
  spec: RoleSpec,
): Promise<Evidence & { roleName: string }> {
  if (spec.cloud !== "aws") throw new CloudError("permanent", `AWS: role spec is for ${spec.cloud}, not aws`);
  const roleName = checkName("policy", spec.roleName);
  const document = checkManagedPolicy(roleName, spec.document);
  const requestIds: string[] = [];
  await call(
    requestIds,
    "CreatePolicy",
    () =>
      ctx.client.send(
        new CreatePolicyCommand({
          PolicyName: roleName,
          Path: POLICY_PATH,
          PolicyDocument: document,
          Description: `Managed by Elevate: permission set ${spec.hash}`,
          Tags: [
            { Key: TAG.managed, Value: "true" },
            { Key: TAG.org, Value: target.orgId },
          ],
        }),
      ),
    ["EntityAlreadyExists"],
  );
  return { requestIds, roleName };
}

/** Deletes an unused managed policy: non-default versions first, as IAM requires. */
export async function deleteManagedPolicy(
  ctx: AwsCtx,
  target: TargetRow,
  roleName: string,
): Promise<Evidence> {
  const arn = policyArn(ctx.partition, checkAccount(target.externalId), checkName("policy", roleName));
  const requestIds: string[] = [];
  const versions = await listAll(
    requestIds,
    "ListPolicyVersions",
    (Marker) => ctx.client.send(new ListPolicyVersionsCommand({ PolicyArn: arn, Marker })),
    (p) => p.Versions,
    ["NoSuchEntity"],
  );
  if (versions === null) return { requestIds };
  for (const v of versions.filter((x) => !x.IsDefaultVersion)) {
    await call(
      requestIds,
      "DeletePolicyVersion",
      () => ctx.client.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: v.VersionId })),
      ["NoSuchEntity"],
    );
  }
  await call(requestIds, "DeletePolicy", () => ctx.client.send(new DeletePolicyCommand({ PolicyArn: arn })), [
    "NoSuchEntity",
  ]);
  return { requestIds };
}
