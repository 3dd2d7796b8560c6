import type { v2 } from "@google-cloud/iam";
import type { RoleSpec } from "@/db/schema";
import { bindingIdFor, type CloudAdapter, CloudError } from "@/lib/clouds/port";
import { gcpCatalogExports } from "./catalog-sync";
import { defaultAuthClient, type GcpAdapterConfig, gcpSettings, projectsClient } from "./config";
import { createDenyPolicy, deleteDenyPolicy, denyParent, policiesClient } from "./deny";
import { describeGcpError, type GcpFailure, isMarkedDeleted, toCloudError } from "./errors";
import {
  expiryOf,
  grantBinding,
  grantIdOf,
  isGrantBinding,
  managedBindings,
  memberFor,
  projectOf,
  roleResource,
  sameBinding,
} from "./policy";
import { type PolicyStore, policyStore } from "./policy-store";
import { collectRequestIds, tapAuthClient } from "./request-ids";
import { withRetry } from "./retry";
import { type RolesApi, rolesApi } from "./roles-api";
import { type Troubleshooter, troubleshootAll, troubleshooterApi, troubleshootPlan } from "./troubleshoot";

/** Documented IAM limit: permissions in one custom role. */
export const GCP_MAX_ROLE_PERMISSIONS = 3_000;

/**
 * GCP: content-addressed custom roles (IAM v1 `projects.roles`) and one conditional binding per grant in
 * the project policy (Resource Manager v3), titled `elevate:<grantId>`, whose CEL condition ends access
 * at the grant's expiry even if Elevate is down.
 */
export function gcpAdapter(config: GcpAdapterConfig = {}): CloudAdapter {
  const s = gcpSettings(config);
  const now = config.now ?? Date.now;
  let clients:
    | Promise<{
        roles: RolesApi;
        policies: PolicyStore;
        troubleshoot: Troubleshooter;
        deny: v2.PoliciesClient;
      }>
    | undefined;
  const connect = () => {
    clients ??= (async () => {
      const auth = config.authClient ?? (await defaultAuthClient());
      const tapped = tapAuthClient(auth);
      const projects = projectsClient(s.resourceManagerUrl, tapped);
      return {
        roles: rolesApi(auth, s.iamUrl, s.timeoutMs),
        policies: policyStore(projects, s),
        troubleshoot: troubleshooterApi(auth, s.troubleshooterUrl, s.timeoutMs),
        deny: policiesClient(s.iamUrl, tapped),
      };
    })().catch((e) => {
      clients = undefined; // credentials may appear later (e.g. a mounted secret)
      throw e;
    });
    return clients;
  };

  /** One classified, retried role call; failures `accept` names are returned instead of thrown. */
  const attempt = <T>(op: string, fn: () => Promise<T>, accept: (f: GcpFailure) => boolean = () => false) =>
    withRetry(s.retry, async (): Promise<T | GcpFailure> => {
      try {
        return await fn();
      } catch (e) {
        const f = describeGcpError(e);
        if (accept(f)) return f;
        throw toCloudError(op, f);
      }
    });

  return {
    kind: "gcp",

    async denyPrincipal(target, deny) {
      const { deny: client } = await connect();
      const { out, requestIds } = await collectRequestIds(() =>
        attempt(
          "createDenyPolicy",
          () => createDenyPolicy(client, projectOf(target.externalId).slice("projects/".length), deny),
          (f) => f.http === 409 || f.status === "ALREADY_EXISTS",
        ),
      );
      const policyName = `${denyParent(projectOf(target.externalId).slice("projects/".length))}/${deny.policyId}`;
      return { policyName: typeof out === "string" ? out : policyName, requestIds };
    },

    async removeDeny(_target, policyName) {
      const { deny: client } = await connect();
      const { requestIds } = await collectRequestIds(() =>
        attempt(
          "deleteDenyPolicy",
          () => deleteDenyPolicy(client, policyName),
          (f) => f.http === 404 || f.status === "NOT_FOUND",
        ),
      );
      return { requestIds };
    },

    ensureRole: (target, spec) =>
      evidence(async () => {
        const project = projectOf(target.externalId);
        const name = roleResource(project, spec.roleName);
        checkSpec(spec);
        const { roles } = await connect();
        const role = {
          title: `Elevate ${spec.hash}`,
          description: ROLE_DESCRIPTION,
          includedPermissions: spec.permissions,
          stage: "GA",
        };
        // Exists (same id = same content) is success; a soft-deleted id cannot be created again, only restored.
        const created = await attempt(
          "roles.create",
          () => roles.create(project, spec.roleName, role),
          (f) => (f.http === 409 && f.status === "ALREADY_EXISTS") || isMarkedDeleted(f),
        );
        if ("message" in created) {
          // Not found although marked deleted: deleted over 7 days ago, gone for good, id still taken.
          const gone = (f: GcpFailure) => f.http === 404 && isMarkedDeleted(created);
          const existing = await attempt("roles.get", () => roles.get(name), gone);
          if ("message" in existing) {
            throw new CloudError(
              "permanent",
              `gcp roles.create: ${created.message} (${name} cannot be restored)`,
            );
          }
          if (existing.deleted) await attempt("roles.undelete", () => roles.undelete(name, existing.etag));
        }
        return { roleName: spec.roleName };
      }),

    bind: (target, b) =>
      evidence(async () => {
        const project = projectOf(target.externalId);
        const wanted = grantBinding({
          role: roleResource(project, b.roleName),
          member: memberFor(b.principal),
          grantId: b.grantId,
          notAfter: b.notAfter,
          condition: b.condition,
        });
        const { policies } = await connect();
        await policies.modify(project, (bindings) => {
          const mine = bindings.filter((x) => isGrantBinding(x, b.grantId));
          if (mine.length === 1 && sameBinding(mine[0], wanted)) return null;
          // The desired state wins (a new expiry on extension replaces the old condition).
          return [...bindings.filter((x) => !isGrantBinding(x, b.grantId)), wanted];
        });
        return { bindingId: bindingIdFor(b.grantId) };
      }),

    unbind: (target, bindingId) =>
      evidence(async () => {
        const project = projectOf(target.externalId);
        const grantId = grantIdOf(bindingId);
        const { policies } = await connect();
        try {
          await policies.modify(project, (bindings) =>
            bindings.some((x) => isGrantBinding(x, grantId))
              ? bindings.filter((x) => !isGrantBinding(x, grantId))
              : null,
          );
        } catch (e) {
          // The project is gone, and the binding with it: removal is done.
          if (!(e instanceof CloudError && e.kind === "not_found")) throw e;
        }
        return {};
      }),

    inspect: (target, bindingId) =>
      evidence(async () => {
        const project = projectOf(target.externalId);
        const grantId = grantIdOf(bindingId);
        const { policies } = await connect();
        const policy = await policies.read(project);
        const found = (policy.bindings ?? []).find((x) => isGrantBinding(x, grantId));
        return {
          present: Boolean(found),
          notAfter: found ? expiryOf(found) : null,
          raw: found ? { role: found.role, members: found.members, condition: found.condition } : null,
        };
      }),

    listManaged: (target) =>
      evidence(async () => {
        const project = projectOf(target.externalId);
        const { roles, policies } = await connect();
        const listed = await attempt("roles.list", () => roles.list(project));
        if ("message" in listed) throw toCloudError("roles.list", listed);
        const prefix = `${project}/roles/elevate_`;
        const policy = await policies.read(project);
        return {
          roles: listed
            .filter((r) => r.name.startsWith(prefix) && !r.deleted)
            .map((r) => r.name.slice(prefix.length - 8)),
          bindings: managedBindings(policy).map(({ grantId, binding }) => ({
            bindingId: bindingIdFor(grantId),
            grantId,
            roleName: (binding.role ?? "").split("/roles/")[1] ?? binding.role ?? "",
          })),
        };
      }),

    deleteRole: (target, roleName) =>
      evidence(async () => {
        const name = roleResource(projectOf(target.externalId), roleName);
        const { roles } = await connect();
        const deleted = await attempt(
          "roles.delete",
          () => roles.delete(name),
          (f) => f.http === 404 || f.status === "FAILED_PRECONDITION",
        );
        if ("message" in deleted && deleted.http !== 404) {
          // FAILED_PRECONDITION: already deleted is done; anything else is a real refusal.
          const current = await attempt(
            "roles.get",
            () => roles.get(name),
            (f) => f.http === 404,
          );
          if (!("message" in current) && !current.deleted) throw toCloudError("roles.delete", deleted);
        }
        return {};
      }),

    /**
     * Google's own answer for the grant's principal (Policy Troubleshooter), permission by permission on
     * the resource the binding condition names (else the project), at the current time. Read-only.
     */
    checkAccess: (target, b, spec) =>
      evidence(async () => {
        const projectId = target.externalId;
        projectOf(projectId);
        const member = memberFor(b.principal);
        const { troubleshoot } = await connect();
        const at = new Date(now());
        const ask = async (body: Parameters<Troubleshooter>[0]) => {
          const answer = await attempt("troubleshoot", () => troubleshoot(body));
          if ("message" in answer) throw toCloudError("troubleshoot", answer);
          return answer;
        };
        const checks = await troubleshootAll(
          ask,
          member.slice("user:".length),
          troubleshootPlan(spec, projectId),
          at,
        );
        return {
          checker: "gcp:policytroubleshooter.iam.troubleshoot",
          principal: member,
          evaluatedAt: at.toISOString(),
          permissions: spec.permissions.length,
          checks,
        };
      }),

    syncCatalog: (target) =>
      evidence(async () => {
        const project = projectOf(target.externalId);
        const { roles } = await connect();
        return { exports: await gcpCatalogExports(roles, s.retry, project) };
      }),
  };
}

const ROLE_DESCRIPTION = "Managed by Elevate: content-addressed just-in-time role; do not edit";

function checkSpec(spec: RoleSpec): void {
  if (spec.cloud !== "gcp") throw new CloudError("permanent", `gcp: role spec is for ${spec.cloud}`);
  if (spec.permissions.length > GCP_MAX_ROLE_PERMISSIONS) {
    throw new CloudError(
      "permanent",
      `gcp: a custom role holds at most ${GCP_MAX_ROLE_PERMISSIONS} permissions`,
    );
  }
}

async function evidence<T extends object>(fn: () => Promise<T>): Promise<T & { requestIds: string[] }> {
  const { out, requestIds } = await collectRequestIds(fn);
  return { ...out, requestIds };
}
