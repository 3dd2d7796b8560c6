import {
  CreateRoleCommand,
  GetRoleCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
} from "@aws-sdk/client-iam";
import { type BindingSpec, bindingIdFor, CloudError, type Evidence, type TargetRow } from "@/lib/clouds/port";
import { call } from "./call";
import type { AwsCtx } from "./context";
import { expiryPolicy, maxSessionSeconds, trustPolicy } from "./documents";
import { checkAccount, checkName, checkNotAfter, checkUuid, principalArn } from "./limits";
import { EXPIRY_POLICY, roleNameFor, rolePath, TAG } from "./naming";
import { attachPermissionSet } from "./policy-parts";
import { removeBinding } from "./unbind";

/**
 * The grant's own role: trust policy naming the requester until expiry, an inline Deny from the expiry
 * on, then the shared managed policy (or all its parts). The Deny is written before any Allow is attached,
 * so the role never holds permissions without its expiry. Binding again converges (an extension).
 */
export async function bindRole(
  ctx: AwsCtx,
  target: TargetRow,
  b: BindingSpec,
): Promise<Evidence & { bindingId: string }> {
  const now = ctx.now();
  const accountId = checkAccount(target.externalId);
  const orgId = checkUuid("org id", b.orgId);
  const grantId = checkUuid("grant id", b.grantId);
  const bindingId = bindingIdFor(b.grantId);
  const roleName = roleNameFor(bindingId);
  const setName = checkName("policy", b.roleName);
  const trust = JSON.stringify(
    trustPolicy(principalArn(b.principal, accountId, ctx.partition), grantId, b.notAfter),
  );
  const expiry = JSON.stringify(expiryPolicy(checkNotAfter(b.notAfter, now)));
  const session = maxSessionSeconds(b.notAfter, now);
  const requestIds: string[] = [];

  const created = await call(
    requestIds,
    "CreateRole",
    () =>
      ctx.client.send(
        new CreateRoleCommand({
          RoleName: roleName,
          Path: rolePath(orgId),
          AssumeRolePolicyDocument: trust,
          MaxSessionDuration: session,
          Description: `Elevate grant ${grantId}`,
          Tags: [
            { Key: TAG.grant, Value: grantId },
            { Key: TAG.org, Value: orgId },
            { Key: TAG.managed, Value: "true" },
            { Key: TAG.role, Value: b.roleName },
          ],
        }),
      ),
    ["EntityAlreadyExists"],
  );
  try {
    if (!created.ok) await updateExisting(ctx, requestIds, { roleName, grantId, orgId, trust, session });
    await call(requestIds, "PutRolePolicy", () =>
      ctx.client.send(
        new PutRolePolicyCommand({ RoleName: roleName, PolicyName: EXPIRY_POLICY, PolicyDocument: expiry }),
      ),
    );
    await attachPermissionSet(ctx, requestIds, roleName, accountId, setName);
  } catch (e) {
    // Nothing partial: a role this call created goes again unless a retry is expected to finish it.
    const final = e instanceof CloudError && (e.kind === "permanent" || e.kind === "not_found");
    if (created.ok && final) await removeBinding(ctx, roleName, requestIds).catch(() => undefined);
    throw e;
  }
  return { requestIds, bindingId };
}

/** The role already exists: make sure it is this grant's, then bring trust and session length up to date. */
async function updateExisting(
  ctx: AwsCtx,
  requestIds: string[],
  r: { roleName: string; grantId: string; orgId: string; trust: string; session: number },
): Promise<void> {
  const got = await call(requestIds, "GetRole", () =>
    ctx.client.send(new GetRoleCommand({ RoleName: r.roleName })),
  );
  const role = got.ok ? got.out.Role : undefined;
  const tagged = role?.Tags?.find((t) => t.Key === TAG.grant)?.Value;
  if (!role || role.Path !== rolePath(r.orgId) || tagged !== r.grantId) {
    throw new CloudError(
      "permanent",
      `AWS: role ${r.roleName} exists but is not Elevate's role for this grant`,
    );
  }
  await call(requestIds, "UpdateAssumeRolePolicy", () =>
    ctx.client.send(new UpdateAssumeRolePolicyCommand({ RoleName: r.roleName, PolicyDocument: r.trust })),
  );
  await call(requestIds, "UpdateRole", () =>
    ctx.client.send(new UpdateRoleCommand({ RoleName: r.roleName, MaxSessionDuration: r.session })),
  );
}
