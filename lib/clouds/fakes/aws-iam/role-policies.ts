import type { Handler } from "./context";
import { visible } from "./context";
import { limitExceeded, noSuchEntity } from "./errors";
import { checkPolicy } from "./policy-grammar";
import { mustGetRole } from "./roles";
import { findPolicyByArn } from "./state";
import { IAM_LIMITS, name, page, param, policySize } from "./validate";

/** Managed policy attachments and inline policies of a role. */
export const rolePolicyHandlers: Record<string, Handler> = {
  AttachRolePolicy: (params, ctx) => {
    const r = mustGetRole(ctx, params, false);
    const arn = param(params, "PolicyArn");
    if (!findPolicyByArn(ctx.state, arn))
      throw noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
    if (r.attached.includes(arn)) return null;
    if (r.attached.length >= IAM_LIMITS.managedPoliciesPerRole) {
      throw limitExceeded(`Cannot exceed quota for PoliciesPerRole: ${IAM_LIMITS.managedPoliciesPerRole}`);
    }
    r.attached.push(arn);
    return null;
  },

  DetachRolePolicy: (params, ctx) => {
    const r = mustGetRole(ctx, params, false);
    const arn = param(params, "PolicyArn");
    if (!r.attached.includes(arn)) throw noSuchEntity(`Policy ${arn} was not found.`);
    r.attached = r.attached.filter((a) => a !== arn);
    return null;
  },

  ListAttachedRolePolicies: (params, ctx) => {
    const r = mustGetRole(ctx, params, true);
    const prefix = params.get("PathPrefix") ?? "/";
    const attached = r.attached
      .map((arn) => findPolicyByArn(ctx.state, arn))
      .filter((p) => p !== undefined && visible(ctx, p) && p.path.startsWith(prefix))
      .map((p) => ({ PolicyName: p?.name, PolicyArn: p?.arn }));
    const { items, IsTruncated, Marker } = page(attached, params);
    return { AttachedPolicies: items, IsTruncated, Marker };
  },

  PutRolePolicy: (params, ctx) => {
    const r = mustGetRole(ctx, params, false);
    const policyName = name(params, "PolicyName", IAM_LIMITS.policyName);
    const doc = param(params, "PolicyDocument");
    checkPolicy(doc, "identity");
    let total = policySize(doc);
    for (const [n, d] of r.inline) if (n !== policyName) total += policySize(d);
    if (total > IAM_LIMITS.inlineRolePolicySizeTotal) {
      throw limitExceeded(
        `Maximum policy size of ${IAM_LIMITS.inlineRolePolicySizeTotal} bytes exceeded for role ${r.name}`,
      );
    }
    r.inline.set(policyName, doc);
    return null;
  },

  GetRolePolicy: (params, ctx) => {
    const r = mustGetRole(ctx, params, true);
    const policyName = param(params, "PolicyName");
    const doc = r.inline.get(policyName);
    if (doc === undefined) throw noSuchEntity(`The role policy with name ${policyName} cannot be found.`);
    return { RoleName: r.name, PolicyName: policyName, PolicyDocument: encodeURIComponent(doc) };
  },

  DeleteRolePolicy: (params, ctx) => {
    const r = mustGetRole(ctx, params, false);
    const policyName = param(params, "PolicyName");
    if (!r.inline.delete(policyName)) {
      throw noSuchEntity(`The role policy with name ${policyName} cannot be found.`);
    }
    return null;
  },

  ListRolePolicies: (params, ctx) => {
    const r = mustGetRole(ctx, params, true);
    const { items, IsTruncated, Marker } = page([...r.inline.keys()].sort(), params);
    return { PolicyNames: items, IsTruncated, Marker };
  },
};
