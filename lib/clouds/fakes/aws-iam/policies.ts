import type { FakeCtx, Handler } from "./context";
import { visible } from "./context";
import { alreadyExists, deleteConflict, limitExceeded, noSuchEntity } from "./errors";
import { type FakePolicy, findPolicyByArn, policyArn, uniqueId } from "./state";
import { mergeTags, tags } from "./tags";
import { description, IAM_LIMITS, managedPolicyDocument, name, page, param, path } from "./validate";
import type { XmlNode } from "./xml";

const attachmentCount = (ctx: FakeCtx, arn: string) =>
  [...ctx.state.roles.values()].filter((r) => r.attached.includes(arn)).length;

function policyXml(ctx: FakeCtx, p: FakePolicy, withTags: boolean): XmlNode {
  const def = p.versions.find((v) => v.isDefault);
  return {
    PolicyName: p.name,
    PolicyId: p.id,
    Arn: p.arn,
    Path: p.path,
    DefaultVersionId: def?.id,
    AttachmentCount: attachmentCount(ctx, p.arn),
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    Description: p.description,
    CreateDate: p.createDate,
    UpdateDate: def?.createDate ?? p.createDate,
    Tags: withTags && p.tags.length ? p.tags : undefined,
  };
}

/** Writes see every policy; reads only those that have propagated. */
function mustGet(ctx: FakeCtx, arn: string, forRead: boolean): FakePolicy {
  const p = findPolicyByArn(ctx.state, arn);
  if (!p || (forRead && !visible(ctx, p)))
    throw noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
  return p;
}

export const policyHandlers: Record<string, Handler> = {
  CreatePolicy: (params, ctx) => {
    const policyName = name(params, "PolicyName", IAM_LIMITS.policyName);
    const policyPath = path(params);
    const document = param(params, "PolicyDocument");
    const policyDescription = description(params);
    managedPolicyDocument(document);
    const policyTags = mergeTags([], tags(params));
    const key = policyName.toLowerCase();
    if (ctx.state.policies.has(key)) {
      throw alreadyExists(`A policy called ${policyName} already exists. Duplicate names are not allowed.`);
    }
    const now = new Date(ctx.now);
    const p: FakePolicy = {
      name: policyName,
      path: policyPath,
      arn: policyArn(ctx.state.accountId, policyPath, policyName),
      id: uniqueId("ANPA"),
      description: policyDescription,
      versions: [{ id: "v1", document, isDefault: true, createDate: now }],
      tags: policyTags,
      createDate: now,
      visibleAt: ctx.now + ctx.propagationMs,
    };
    ctx.state.policies.set(key, p);
    return { Policy: policyXml(ctx, p, true) };
  },

  GetPolicy: (params, ctx) => ({
    Policy: policyXml(ctx, mustGet(ctx, param(params, "PolicyArn"), true), true),
  }),

  GetPolicyVersion: (params, ctx) => {
    const p = mustGet(ctx, param(params, "PolicyArn"), true);
    const v = p.versions.find((x) => x.id === param(params, "VersionId"));
    if (!v) throw noSuchEntity(`Policy ${p.arn} version ${params.get("VersionId")} does not exist.`);
    const PolicyVersion = {
      Document: encodeURIComponent(v.document),
      VersionId: v.id,
      IsDefaultVersion: v.isDefault,
      CreateDate: v.createDate,
    };
    return { PolicyVersion };
  },

  CreatePolicyVersion: (params, ctx) => {
    const p = mustGet(ctx, param(params, "PolicyArn"), false);
    const document = param(params, "PolicyDocument");
    managedPolicyDocument(document);
    if (p.versions.length >= IAM_LIMITS.policyVersions) {
      throw limitExceeded(`A managed policy can have up to ${IAM_LIMITS.policyVersions} versions.`);
    }
    const next = Math.max(...p.versions.map((v) => Number(v.id.slice(1)))) + 1;
    const setDefault = params.get("SetAsDefault") === "true";
    if (setDefault) for (const v of p.versions) v.isDefault = false;
    const v = { id: `v${next}`, document, isDefault: setDefault, createDate: new Date(ctx.now) };
    p.versions.push(v);
    return { PolicyVersion: { VersionId: v.id, IsDefaultVersion: v.isDefault, CreateDate: v.createDate } };
  },

  ListPolicyVersions: (params, ctx) => {
    const p = mustGet(ctx, param(params, "PolicyArn"), true);
    const { items, IsTruncated, Marker } = page(p.versions, params);
    const Versions = items.map((v) => ({
      VersionId: v.id,
      IsDefaultVersion: v.isDefault,
      CreateDate: v.createDate,
    }));
    return { Versions, IsTruncated, Marker };
  },

  DeletePolicyVersion: (params, ctx) => {
    const p = mustGet(ctx, param(params, "PolicyArn"), false);
    const v = p.versions.find((x) => x.id === param(params, "VersionId"));
    if (!v) throw noSuchEntity(`Policy ${p.arn} version ${params.get("VersionId")} does not exist.`);
    if (v.isDefault) throw deleteConflict("Cannot delete the default version of a policy.");
    p.versions = p.versions.filter((x) => x !== v);
    return null;
  },

  DeletePolicy: (params, ctx) => {
    const p = mustGet(ctx, param(params, "PolicyArn"), false);
    if (attachmentCount(ctx, p.arn) > 0) throw deleteConflict("Cannot delete a policy attached to entities.");
    if (p.versions.length > 1) {
      throw deleteConflict(
        "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
      );
    }
    ctx.state.policies.delete(p.name.toLowerCase());
    return null;
  },

  ListPolicies: (params, ctx) => {
    const prefix = params.get("PathPrefix") ?? "/";
    const scope = params.get("Scope") ?? "All";
    const onlyAttached = params.get("OnlyAttached") === "true";
    const all =
      scope === "AWS"
        ? []
        : [...ctx.state.policies.values()]
            .filter((p) => visible(ctx, p) && p.path.startsWith(prefix))
            .filter((p) => !onlyAttached || attachmentCount(ctx, p.arn) > 0)
            .sort((a, b) => a.name.localeCompare(b.name));
    const { items, IsTruncated, Marker } = page(all, params);
    return { Policies: items.map((p) => policyXml(ctx, p, false)), IsTruncated, Marker };
  },

  ListEntitiesForPolicy: (params, ctx) => {
    const p = mustGet(ctx, param(params, "PolicyArn"), true);
    const prefix = params.get("PathPrefix") ?? "/";
    const filter = params.get("EntityFilter");
    const roles =
      filter && filter !== "Role"
        ? []
        : [...ctx.state.roles.values()].filter(
            (r) => r.attached.includes(p.arn) && r.path.startsWith(prefix),
          );
    const { items, IsTruncated, Marker } = page(roles, params);
    const PolicyRoles = items.map((r) => ({ RoleName: r.name, RoleId: r.id }));
    return { PolicyGroups: [], PolicyUsers: [], PolicyRoles, IsTruncated, Marker };
  },

  TagPolicy: (params, ctx) => {
    const p = mustGet(ctx, param(params, "PolicyArn"), false);
    p.tags = mergeTags(p.tags, tags(params));
    return null;
  },

  ListPolicyTags: (params, ctx) => {
    const p = mustGet(ctx, param(params, "PolicyArn"), true);
    const { items, IsTruncated, Marker } = page(p.tags, params);
    return { Tags: items, IsTruncated, Marker };
  },
};
