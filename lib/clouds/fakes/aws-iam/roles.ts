import type { FakeCtx, Handler } from "./context";
import { visible } from "./context";
import { alreadyExists, deleteConflict, limitExceeded, noSuchEntity } from "./errors";
import { type FakeRole, roleArn, uniqueId } from "./state";
import { mergeTags, tags } from "./tags";
import { description, IAM_LIMITS, name, page, param, path, sessionDuration, trustPolicy } from "./validate";
import type { XmlNode } from "./xml";

export const ROLES_PER_ACCOUNT = 1000;

/** Writes see every role; reads only those that have propagated. */
export function mustGetRole(ctx: FakeCtx, params: URLSearchParams, forRead: boolean): FakeRole {
  const roleName = name(params, "RoleName", IAM_LIMITS.roleName);
  const r = ctx.state.roles.get(roleName.toLowerCase());
  if (!r || (forRead && !visible(ctx, r)))
    throw noSuchEntity(`The role with name ${roleName} cannot be found.`);
  return r;
}

function roleXml(r: FakeRole, detail: boolean): XmlNode {
  return {
    Path: r.path,
    RoleName: r.name,
    RoleId: r.id,
    Arn: r.arn,
    CreateDate: r.createDate,
    // IAM returns policy documents URL-encoded (RFC 3986).
    AssumeRolePolicyDocument: encodeURIComponent(r.trustPolicy),
    Description: r.description,
    MaxSessionDuration: r.maxSessionDuration,
    Tags: detail && r.tags.length ? r.tags : undefined,
    RoleLastUsed: detail ? {} : undefined,
  };
}

export const roleHandlers: Record<string, Handler> = {
  CreateRole: (params, ctx) => {
    const roleName = name(params, "RoleName", IAM_LIMITS.roleName);
    const rolePath = path(params);
    const trust = param(params, "AssumeRolePolicyDocument");
    trustPolicy(trust, ctx.principals);
    const maxSessionDuration = sessionDuration(params) ?? IAM_LIMITS.minSessionSeconds;
    const roleDescription = description(params);
    const roleTags = mergeTags([], tags(params));
    if (ctx.state.roles.has(roleName.toLowerCase()))
      throw alreadyExists(`Role with name ${roleName} already exists.`);
    if (ctx.state.roles.size >= ROLES_PER_ACCOUNT) {
      throw limitExceeded(`Cannot exceed quota for RolesPerAccount: ${ROLES_PER_ACCOUNT}`);
    }
    const r: FakeRole = {
      name: roleName,
      path: rolePath,
      arn: roleArn(ctx.state.accountId, rolePath, roleName),
      id: uniqueId("AROA"),
      trustPolicy: trust,
      maxSessionDuration,
      description: roleDescription,
      tags: roleTags,
      createDate: new Date(ctx.now),
      visibleAt: ctx.now + ctx.propagationMs,
      attached: [],
      inline: new Map(),
    };
    ctx.state.roles.set(roleName.toLowerCase(), r);
    return { Role: roleXml(r, true) };
  },

  GetRole: (params, ctx) => ({ Role: roleXml(mustGetRole(ctx, params, true), true) }),

  UpdateRole: (params, ctx) => {
    const r = mustGetRole(ctx, params, false);
    const duration = sessionDuration(params);
    if (duration !== undefined) r.maxSessionDuration = duration;
    const updated = description(params);
    if (updated !== undefined) r.description = updated;
    return {};
  },

  UpdateAssumeRolePolicy: (params, ctx) => {
    const r = mustGetRole(ctx, params, false);
    const doc = param(params, "PolicyDocument");
    trustPolicy(doc, ctx.principals);
    r.trustPolicy = doc;
    return null;
  },

  DeleteRole: (params, ctx) => {
    const r = mustGetRole(ctx, params, false);
    if (r.attached.length > 0) throw deleteConflict("Cannot delete entity, must detach all policies first.");
    if (r.inline.size > 0) throw deleteConflict("Cannot delete entity, must delete policies first.");
    ctx.state.roles.delete(r.name.toLowerCase());
    return null;
  },

  ListRoles: (params, ctx) => {
    const prefix = params.get("PathPrefix") ?? "/";
    const all = [...ctx.state.roles.values()]
      .filter((r) => visible(ctx, r) && r.path.startsWith(prefix))
      .sort((a, b) => a.name.localeCompare(b.name));
    const { items, IsTruncated, Marker } = page(all, params);
    // Like IAM, listing leaves out tags: callers read them with GetRole or ListRoleTags.
    return { Roles: items.map((r) => roleXml(r, false)), IsTruncated, Marker };
  },

  TagRole: (params, ctx) => {
    const r = mustGetRole(ctx, params, false);
    r.tags = mergeTags(r.tags, tags(params));
    return null;
  },

  ListRoleTags: (params, ctx) => {
    const r = mustGetRole(ctx, params, true);
    const { items, IsTruncated, Marker } = page(r.tags, params);
    return { Tags: items, IsTruncated, Marker };
  },
};
