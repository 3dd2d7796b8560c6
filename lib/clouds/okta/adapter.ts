import type { Client } from "@okta/okta-sdk-nodejs";
import type { RoleSpec } from "@/db/schema";
import {
  type BindingSpec,
  type CloudAccessEvidence,
  type CloudAdapter,
  CloudError,
  type InspectResult,
  type ManagedArtifacts,
  type TargetRow,
} from "@/lib/clouds/port";
import { checkOktaAccess } from "./check-access";
import { type OktaAdapterConfig, type OktaSession, oktaSession } from "./config";
import { isDuplicateAssignment } from "./errors";
import { describeGrantSet, grantIdOfLabel, grantSetLabel, parseGrantSet } from "./grant-set";
import { orgWideResources, resourcePath, resourcesOfScope } from "./resources";
import { OKTA_ROLE_DESCRIPTION } from "./role";
import { allPages, nextHref, orNull, userAssignments } from "./wire";

const ROLE_LABEL = /^elevate_[0-9a-f]{20}$/;

/** No scope (a request without a resource): every user, group or app the role's permissions act on. */
async function orgWide(c: Client, roleName: string) {
  const listed = await c.customRoleApi.listRolePermissions({ roleIdOrLabel: roleName });
  return orgWideResources((listed.permissions ?? []).map((p) => p.label ?? ""));
}

/**
 * Okta: a content-addressed custom admin role (shared), and per grant a resource set labelled with the
 * grant (the allowed users, groups or apps) assigned to the user with that role. Okta assignments have no
 * expiry: the resource set's description records it, and Elevate's timer and reconciler remove them on time.
 */
export function oktaAdapter(config: OktaAdapterConfig): CloudAdapter {
  const s: OktaSession = oktaSession(config);
  const orgUrl = config.orgUrl.replace(/\/$/, "");

  const userId = async (c: Client, principal: string) => {
    const user = await orNull(c.userApi.getUser({ userId: principal }));
    if (!user?.id) throw new CloudError("permanent", `okta: no user ${principal} in the org`);
    return user.id;
  };

  return {
    kind: "okta",

    ensureRole: (_t: TargetRow, spec: RoleSpec) =>
      s.call("ensureRole", async (c) => {
        if (!ROLE_LABEL.test(spec.roleName))
          throw new CloudError("permanent", "okta: not an Elevate role name");
        const found = await orNull(c.customRoleApi.getRole({ roleIdOrLabel: spec.roleName }));
        if (!found) {
          const instance = {
            label: spec.roleName,
            description: String(spec.document.description ?? OKTA_ROLE_DESCRIPTION),
            permissions: spec.permissions,
          };
          try {
            await c.customRoleApi.createRole({ instance });
          } catch (e) {
            // A concurrent create won: the label is unique, and then it exists.
            if (!(await orNull(c.customRoleApi.getRole({ roleIdOrLabel: spec.roleName })))) throw e;
          }
        }
        return { roleName: spec.roleName };
      }),

    bind: (_t: TargetRow, b: BindingSpec) =>
      s.call("bind", async (c) => {
        const uid = await userId(c, b.principal);
        const role = await c.customRoleApi.getRole({ roleIdOrLabel: b.roleName });
        const resources = b.scope ? resourcesOfScope(b.scope) : await orgWide(c, b.roleName);
        if (!resources?.length)
          throw new CloudError("permanent", "okta: the role spec names no valid resources");
        const label = grantSetLabel(b.grantId);
        const description = describeGrantSet({
          grantId: b.grantId,
          roleName: b.roleName,
          userId: uid,
          notAfter: b.notAfter.toISOString(),
        });
        let set = await orNull(c.resourceSetApi.getResourceSet({ resourceSetId: label }));
        if (!set) {
          const urls = resources.map((r) => `${orgUrl}${resourcePath(r)}`);
          set = await c.resourceSetApi.createResourceSet({
            instance: { label, description, resources: urls },
          });
        } else if (set.description !== description) {
          // An extension: the later expiry is recorded where inspect and the reconciler read it.
          set = await c.resourceSetApi.replaceResourceSet({
            resourceSetId: set.id!,
            instance: { label, description },
          });
        }
        const mine = await userAssignments(c, uid);
        if (!mine.some((a) => a.role === role.id && a.resourceSet === set.id)) {
          try {
            await c.roleAssignmentApi.assignRoleToUser({
              userId: uid,
              assignRoleRequest: { type: "CUSTOM", role: role.id!, resource_set: set.id! },
              disableNotifications: true,
            });
          } catch (e) {
            if (!isDuplicateAssignment(e)) throw e;
          }
        }
        return { bindingId: label };
      }),

    unbind: (_t: TargetRow, bindingId: string) =>
      s.call("unbind", async (c) => {
        const set = await orNull(c.resourceSetApi.getResourceSet({ resourceSetId: bindingId }));
        if (!set) return {};
        const recorded = parseGrantSet(set.description);
        if (recorded) {
          for (const a of (await orNull(userAssignments(c, recorded.userId))) ?? [])
            if (a.resourceSet === set.id)
              await orNull(
                c.roleAssignmentApi.unassignRoleFromUser({ userId: recorded.userId, roleId: a.id }),
              );
        }
        await orNull(c.resourceSetApi.deleteResourceSet({ resourceSetId: set.id! }));
        return {};
      }),

    inspect: (_t: TargetRow, bindingId: string) =>
      s.call("inspect", async (c): Promise<Omit<InspectResult, "requestIds">> => {
        const set = await orNull(c.resourceSetApi.getResourceSet({ resourceSetId: bindingId }));
        const recorded = parseGrantSet(set?.description);
        if (!set || !recorded) return { present: false, notAfter: null, raw: null };
        const assignment = (await userAssignments(c, recorded.userId)).find((a) => a.resourceSet === set.id);
        return {
          present: assignment !== undefined,
          notAfter: recorded.notAfter,
          raw: {
            resourceSet: { id: set.id, label: set.label, description: set.description },
            assignment: assignment ?? null,
          },
        };
      }),

    listManaged: (_t: TargetRow) =>
      s.call("listManaged", async (c): Promise<Omit<ManagedArtifacts, "requestIds">> => {
        const roles = await allPages(async (after) => {
          const p = await c.customRoleApi.listRoles({ after });
          return { items: p.roles ?? [], next: nextHref(p._links) };
        });
        const sets = await allPages(async (after) => {
          const p = await c.resourceSetApi.listResourceSets({ after });
          return { items: p.resource_sets ?? [], next: nextHref(p._links) };
        });
        const bindings = sets.flatMap((set) => {
          const grantId = grantIdOfLabel(set.label);
          const recorded = parseGrantSet(set.description);
          return grantId && recorded?.grantId === grantId
            ? [{ bindingId: set.label!, grantId, roleName: recorded.roleName }]
            : [];
        });
        return { bindings, roles: roles.map((r) => r.label).filter((l) => ROLE_LABEL.test(l)) };
      }),

    deleteRole: (_t: TargetRow, roleName: string) =>
      s.call("deleteRole", async (c) => {
        if (!ROLE_LABEL.test(roleName)) throw new CloudError("permanent", "okta: not an Elevate role name");
        await orNull(c.customRoleApi.deleteRole({ roleIdOrLabel: roleName }));
        return {};
      }),

    checkAccess: (_t: TargetRow, b: BindingSpec & { bindingId: string }, spec: RoleSpec) =>
      s.call(
        "checkAccess",
        (c): Promise<Omit<CloudAccessEvidence, "requestIds">> => checkOktaAccess(c, b, spec),
      ),
  };
}
