import { type ContextEntry, GetRoleCommand, SimulatePrincipalPolicyCommand } from "@aws-sdk/client-iam";
import type { RoleSpec } from "@/db/schema";
import {
  type BindingSpec,
  type CloudAccessCheck,
  type CloudAccessEvidence,
  CloudError,
  type TargetRow,
} from "@/lib/clouds/port";
import { globMatch } from "@/lib/iam/glob";
import { call, listAll } from "./call";
import type { AwsCtx } from "./context";
import { checkAccount } from "./limits";
import { roleNameFor } from "./naming";

/** Actions simulated per grant; the rest of the role is in its document (and in the offline evaluation). */
export const MAX_CHECKED_ACTIONS = 50;
/** Resources per action: a statement may list several (StartSession: the instance and its documents). */
const MAX_RESOURCES_PER_ACTION = 5;
const FALLBACK_REGION = "us-east-1";

type Stmt = { Effect?: unknown; Action?: unknown; Resource?: unknown; Condition?: unknown };
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const strings = (v: unknown) => list(v).filter((x): x is string => typeof x === "string");

/**
 * IAM's own answer for the grant's role, after bind: SimulatePrincipalPolicy with the role's ARN as policy
 * source, so IAM evaluates exactly what is attached to it (the permission set, every split part, the
 * expiry Deny) together with what Elevate cannot see (SCPs, a permissions boundary). Each action is asked
 * on the concrete ARNs of its own statements (a wildcard-only action on `*`), at the current time, as the
 * session the trust policy admits (`aws:userid` = role id : grant id) in the role's region. One call per
 * distinct resource list, each paged.
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html
 */
export async function checkRoleAccess(
  ctx: AwsCtx,
  target: TargetRow,
  binding: BindingSpec & { bindingId: string },
  spec: RoleSpec,
): Promise<CloudAccessEvidence> {
  const account = checkAccount(target.externalId);
  const roleName = roleNameFor(binding.bindingId);
  const requestIds: string[] = [];
  const got = await call(requestIds, "GetRole", () =>
    ctx.client.send(new GetRoleCommand({ RoleName: roleName })),
  );
  const role = got.ok ? got.out.Role : undefined;
  if (!role?.Arn || !role.RoleId) throw new CloudError("retryable", `AWS: role ${roleName} not readable`);

  const now = new Date(ctx.now());
  const userid = `${role.RoleId}:${binding.grantId}`;
  const plan = planSimulation(spec, { account, userid });
  const context: ContextEntry[] = [
    { ContextKeyName: "aws:CurrentTime", ContextKeyType: "date", ContextKeyValues: [now.toISOString()] },
    { ContextKeyName: "aws:userid", ContextKeyType: "string", ContextKeyValues: [userid] },
    { ContextKeyName: "aws:RequestedRegion", ContextKeyType: "string", ContextKeyValues: [plan.region] },
  ];
  const checks: CloudAccessCheck[] = [];
  for (const { actions, resources } of plan.groups) {
    const results = await listAll(
      requestIds,
      "SimulatePrincipalPolicy",
      (Marker) =>
        ctx.client.send(
          new SimulatePrincipalPolicyCommand({
            PolicySourceArn: role.Arn,
            ActionNames: actions,
            ResourceArns: resources,
            ContextEntries: context,
            Marker,
          }),
        ),
      (page) => page.EvaluationResults,
    );
    for (const r of results ?? []) {
      const decision = r.EvalDecision ?? "implicitDeny";
      checks.push({
        permission: r.EvalActionName ?? "",
        resource: r.EvalResourceName ?? "*",
        allowed: decision === "allowed",
        decision,
      });
    }
  }
  return {
    requestIds,
    checker: "aws:SimulatePrincipalPolicy",
    principal: role.Arn,
    evaluatedAt: now.toISOString(),
    permissions: spec.permissions.length,
    checks,
  };
}

/**
 * Which actions to simulate on which ARNs: per action, its Allow statements' Resource values made concrete
 * (an action no statement names is asked on `*`); actions with the same list share one call, so IAM's
 * action × resource product stays the pairs the role was built for.
 */
export function planSimulation(
  spec: RoleSpec,
  place: { account: string; userid: string },
): { region: string; groups: { actions: string[]; resources: string[] }[] } {
  const docs = spec.parts ?? [spec.document];
  const statements = docs.flatMap((d) => list(d.Statement) as Stmt[]).filter((s) => s?.Effect === "Allow");
  const region =
    statements
      .map((s) => (s.Condition as { StringEquals?: Record<string, unknown> } | undefined)?.StringEquals)
      .flatMap((c) => strings(c?.["aws:RequestedRegion"]))[0] ?? FALLBACK_REGION;
  const groups = new Map<string, { actions: string[]; resources: string[] }>();
  for (const action of spec.permissions.slice(0, MAX_CHECKED_ACTIONS)) {
    const patterns = statements
      .filter((s) => strings(s.Action).some((a) => globMatch(a, action, { ignoreCase: true })))
      .flatMap((s) => strings(s.Resource));
    const resources = [...new Set(patterns.map((p) => concreteArn(p, { ...place, region })))].slice(
      0,
      MAX_RESOURCES_PER_ACTION,
    );
    if (resources.length === 0) resources.push("*");
    const key = JSON.stringify(resources);
    const group = groups.get(key) ?? { actions: [], resources };
    group.actions.push(action);
    groups.set(key, group);
  }
  return { region, groups: [...groups.values()] };
}

/**
 * An ARN a Resource pattern matches, to ask IAM about: `${aws:userid}` resolved, a wildcard region or
 * account filled in, other `*` as "example" and each `?` as "x" (a Secrets Manager suffix stays six long).
 */
export function concreteArn(
  pattern: string,
  place: { region: string; account: string; userid: string },
): string {
  if (pattern === "*") return "*";
  const parts = pattern.replaceAll(`\${aws:userid}`, place.userid).split(":");
  if (parts.length >= 6 && parts[0] === "arn") {
    if (parts[3] === "*") parts[3] = place.region;
    if (parts[4] === "*") parts[4] = place.account;
  }
  return parts.join(":").replaceAll("*", "example").replaceAll("?", "x");
}
