/**
 * What a grant's stored role spec allows, evaluated at bind by the independent evaluators in lib/iam and
 * stored as evidence: per permission, the decision on the named resource (or any resource), on one sibling,
 * and at the expiry instant. Evidence for people, not a test oracle: the identifiers are made concrete simply.
 */
import type { RoleSpec } from "@/db/schema";
import { parseK8sPermission } from "@/lib/catalog/kubernetes-names";
import { expiryPolicy } from "@/lib/clouds/aws/documents";
import { type AwsPolicyDocument, evaluateAws } from "@/lib/iam/aws-eval";
import { type AzurePermissions, evaluateAzure } from "@/lib/iam/azure-eval";
import { globMatch } from "@/lib/iam/glob";
import { evaluateK8s, type RbacRule } from "@/lib/iam/k8s-eval";
import { gcpPlanner } from "./effective-access-gcp";
import { AWS_USERID, concreteArn, type Planner, type Probe, siblingOf } from "./effective-access-ids";
import { oktaPlanner } from "./effective-access-okta";
import {
  type EffectiveAccess,
  type EffectiveCheck,
  type EffectiveDecision,
  MAX_EFFECTIVE_CHECKS,
} from "./effective-access-shape";

export type { EffectiveAccess } from "./effective-access-shape";

const PLANNERS: Record<RoleSpec["cloud"], Planner> = {
  aws: awsPlanner,
  gcp: gcpPlanner,
  azure: azurePlanner,
  kubernetes: kubernetesPlanner,
  okta: oktaPlanner,
};

/** Evaluates the first MAX_EFFECTIVE_CHECKS permissions at `now` and again at `notAfter`. Pure. */
export function effectiveAccess(
  spec: RoleSpec,
  { notAfter, now }: { notAfter: Date; now: Date },
): EffectiveAccess {
  const plan = PLANNERS[spec.cloud](spec, notAfter);
  let afterExpiry: EffectiveDecision = "deny";
  const checks = spec.permissions.slice(0, MAX_EFFECTIVE_CHECKS).map((permission): EffectiveCheck => {
    const probe = plan(permission);
    if (probe.ask(probe.on, notAfter) === "allow") afterExpiry = "allow";
    const check: EffectiveCheck = { permission, on: probe.on, decision: probe.ask(probe.on, now) };
    if (probe.sibling) check.sibling = { on: probe.sibling, decision: probe.ask(probe.sibling, now) };
    return check;
  });
  return {
    evaluatedAt: now.toISOString(),
    evaluator: "elevate-iam-eval",
    notAfter: notAfter.toISOString(),
    permissions: spec.permissions.length,
    checks,
    afterExpiry,
  };
}

/** effectiveAccess for activation: a spec the evaluators cannot read must never fail the grant. */
export function effectiveAccessEvidence(
  spec: RoleSpec,
  at: { notAfter: Date; now: Date },
): EffectiveAccess | { error: string } {
  try {
    return effectiveAccess(spec, at);
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

type Stmt = { Effect?: unknown; Action?: unknown; Resource?: unknown; Condition?: unknown };
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const strings = (v: unknown) => list(v).filter((x): x is string => typeof x === "string");

/**
 * AWS: the role's policies (its split parts when split) plus the expiry Deny, evaluated on the first ARN of
 * the action's Allow statements that names the resource (else the first one, "*" when account-wide).
 */
function awsPlanner(spec: RoleSpec, notAfter: Date) {
  const docs = (spec.parts ?? [spec.document]) as AwsPolicyDocument[];
  const policies = [...docs, expiryPolicy(notAfter)];
  const statements = docs.flatMap((d) => list(d.Statement) as Stmt[]).filter((s) => s?.Effect === "Allow");
  const regionCondition = statements
    .map((s) => (s.Condition as { StringEquals?: Record<string, unknown> } | undefined)?.StringEquals)
    .flatMap((c) => strings(c?.["aws:RequestedRegion"]));
  const region = regionCondition[0] ?? "us-east-1";
  // The role's own account where its ARNs name one, for ARNs that leave the account open.
  const arns = statements.flatMap((s) => strings(s.Resource));
  const account = arns.map((a) => a.split(":")[4]).find((a) => /^\d{12}$/.test(a ?? "")) ?? "123456789012";
  const context = { "aws:userid": AWS_USERID, "aws:RequestedRegion": region };
  const name = spec.resource;
  return (action: string): Probe => {
    const resources = statements
      .filter((s) => strings(s.Action).some((a) => globMatch(a, action, { ignoreCase: true })))
      .flatMap((s) => strings(s.Resource));
    const named = name ? resources.find((r) => siblingOf(r, name) !== null) : undefined;
    const pattern = named ?? resources[0] ?? "*";
    const on = pattern === "*" ? "*" : concreteArn(pattern, { region, account });
    const sibling = on !== "*" && name ? siblingOf(on, name) : null;
    const ask = (resource: string, time: Date): EffectiveDecision =>
      evaluateAws(policies, { action, resource, time, context }).decision === "allow" ? "allow" : "deny";
    return { on, sibling, ask };
  };
}

/** Azure: one assignment of the role at the binding's scope until the expiry, checked on the scope itself. */
function azurePlanner(spec: RoleSpec, notAfter: Date) {
  const doc = spec.document as { permissions?: AzurePermissions[]; assignableScopes?: string[] };
  const permissions = doc.permissions ?? [];
  // Older specs carry no scope: their assignment was made at the subscription, the role's assignable scope.
  const scope = spec.binding?.scope ?? doc.assignableScopes?.[0] ?? "/";
  const assignment = {
    scope,
    role: { permissions, assignableScopes: doc.assignableScopes },
    endDateTime: notAfter,
  };
  const data = new Set(permissions.flatMap((p) => p.dataActions ?? []).map((p) => p.toLowerCase()));
  // The scope's last segment is the resource's name.
  const sibling = spec.resource ? `${scope}-sibling` : null;
  return (operation: string): Probe => ({
    on: scope,
    sibling,
    ask: (resourceId, time) =>
      evaluateAzure([assignment], {
        operation,
        dataAction: data.has(operation.toLowerCase()),
        resourceId,
        time,
      }).decision,
  });
}

/**
 * Kubernetes: the role's rules bound in the spec's namespace (a ClusterRoleBinding when none), asked about
 * `namespace/name` (or `namespace/*`, `*` cluster-wide); the sibling is the same object in another namespace.
 */
function kubernetesPlanner(spec: RoleSpec, notAfter: Date) {
  const doc = spec.document as { rules?: RbacRule[]; metadata?: { namespace?: string } };
  const namespace = spec.binding?.scope ?? doc.metadata?.namespace ?? null;
  const name = spec.resource?.split("/")[1] ?? null;
  const grant = { rules: doc.rules ?? [], bindingNamespace: namespace, notAfter };
  const on = namespace ? `${namespace}/${name ?? "*"}` : "*";
  return (permission: string): Probe => {
    const p = parseK8sPermission(permission);
    const [resource, subresource] = (p?.resource ?? "").split("/");
    return {
      on,
      sibling: namespace ? `${namespace}-sibling/${name ?? "*"}` : null,
      ask: (id, time) => {
        if (!p) return "deny";
        const [ns, obj] = id === "*" ? [null, null] : id.split("/");
        return evaluateK8s(grant, {
          verb: p.verb,
          apiGroup: p.apiGroup,
          resource,
          subresource,
          namespace: ns,
          name: obj === "*" ? null : obj,
          time,
        }).decision;
      },
    };
  };
}
