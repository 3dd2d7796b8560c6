import {
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListEntitiesForPolicyCommand,
  ListPoliciesCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
} from "@aws-sdk/client-iam";
import type { InspectResult, ManagedArtifacts, TargetRow } from "@/lib/clouds/port";
import { call, listAll } from "./call";
import type { AwsCtx } from "./context";
import { decodePolicy, notAfterOf } from "./documents";
import { checkUuid } from "./limits";
import {
  EXPIRY_POLICY,
  grantIdOf,
  POLICY_PATH,
  permissionSetOf,
  REVOKE_POLICY,
  roleNameFor,
  rolePath,
} from "./naming";

const GONE = ["NoSuchEntity"];

/** Reads the grant's role back as IAM shows it now (which may lag a fresh write by seconds). */
export async function inspectRole(ctx: AwsCtx, bindingId: string): Promise<InspectResult> {
  const roleName = roleNameFor(bindingId);
  const requestIds: string[] = [];
  const absent = { requestIds, present: false, notAfter: null, raw: null };
  const got = await call(
    requestIds,
    "GetRole",
    () => ctx.client.send(new GetRoleCommand({ RoleName: roleName })),
    GONE,
  );
  if (!got.ok || !got.out.Role) return absent;
  const role = got.out.Role;
  const expiry = await call(
    requestIds,
    "GetRolePolicy",
    () => ctx.client.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: EXPIRY_POLICY })),
    GONE,
  );
  const attached = await listAll(
    requestIds,
    "ListAttachedRolePolicies",
    (Marker) => ctx.client.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName, Marker })),
    (p) => p.AttachedPolicies,
    GONE,
  );
  const inline = await listAll(
    requestIds,
    "ListRolePolicies",
    (Marker) => ctx.client.send(new ListRolePoliciesCommand({ RoleName: roleName, Marker })),
    (p) => p.PolicyNames,
    GONE,
  );
  if (attached === null || inline === null) return absent;
  const expiryDoc = expiry.ok ? decodePolicy(expiry.out.PolicyDocument) : null;
  return {
    requestIds,
    present: true,
    notAfter: notAfterOf(expiryDoc),
    raw: {
      roleArn: role.Arn ?? null,
      path: role.Path ?? null,
      maxSessionDuration: role.MaxSessionDuration ?? null,
      tags: Object.fromEntries((role.Tags ?? []).map((t) => [t.Key, t.Value])),
      trustPolicy: decodePolicy(role.AssumeRolePolicyDocument),
      expiryPolicy: expiryDoc,
      attachedPolicies: attached.map((p) => p.PolicyName ?? ""),
      inlinePolicies: inline,
      sessionsRevoked: inline.includes(REVOKE_POLICY),
    },
  };
}

/**
 * Elevate's artifacts in the account: managed policies under /elevate/ (shared by the account) and the
 * org's per-grant roles under /elevate/<orgId>/. Listing omits tags, so the path is the ownership marker;
 * one ListEntitiesForPolicy per attached policy maps roles to policies (no per-role calls).
 */
export async function listManagedArtifacts(ctx: AwsCtx, target: TargetRow): Promise<ManagedArtifacts> {
  const prefix = rolePath(checkUuid("org id", target.orgId));
  const requestIds: string[] = [];
  const policies =
    (await listAll(
      requestIds,
      "ListPolicies",
      (Marker) =>
        ctx.client.send(new ListPoliciesCommand({ Scope: "Local", PathPrefix: POLICY_PATH, Marker })),
      (p) => p.Policies,
    )) ?? [];
  const roles =
    (await listAll(
      requestIds,
      "ListRoles",
      (Marker) => ctx.client.send(new ListRolesCommand({ PathPrefix: prefix, Marker })),
      (p) => p.Roles,
    )) ?? [];
  // A split permission set is one role to Elevate: its parts map back to the set's name.
  const setOf = (p: (typeof policies)[number]) => permissionSetOf(p.Path, p.PolicyName);
  const policyOf = new Map<string, string>();
  for (const p of policies.filter((x) => (x.AttachmentCount ?? 0) > 0)) {
    const users = await listAll(
      requestIds,
      "ListEntitiesForPolicy",
      (Marker) =>
        ctx.client.send(
          new ListEntitiesForPolicyCommand({
            PolicyArn: p.Arn,
            EntityFilter: "Role",
            PathPrefix: prefix,
            Marker,
          }),
        ),
      (page) => page.PolicyRoles,
      GONE,
    );
    const set = setOf(p);
    for (const r of users ?? []) if (r.RoleName && set) policyOf.set(r.RoleName, set);
  }
  const bindings = roles.flatMap((r) => {
    const grantId = r.RoleName ? grantIdOf(r.RoleName) : null;
    // A role without a policy is a half-made binding: listed with an empty role name so drift removes it.
    return r.RoleName && grantId
      ? [{ bindingId: r.RoleName, grantId, roleName: policyOf.get(r.RoleName) ?? "" }]
      : [];
  });
  const sets = new Set(policies.flatMap((p) => setOf(p) ?? []));
  return { requestIds, bindings, roles: [...sets] };
}
