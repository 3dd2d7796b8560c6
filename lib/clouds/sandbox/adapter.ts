import { randomBytes } from "node:crypto";
import { and, count, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { sandboxBindings, sandboxRoles } from "@/db/schema";
import { personKubeconfig } from "@/lib/clouds/kubernetes/kubeconfig";
import { bindingIdFor, type CloudAdapter, CloudError, type TargetRow } from "@/lib/clouds/port";
import { bindingDocument } from "./documents";
import { faultError, type SandboxOp, sandboxRequestId, takeFault } from "./faults";

/** Custom roles per target, as GCP allows per project: the content-addressed roles keep well below it. */
export const SANDBOX_ROLE_QUOTA = 300;
/** Like TokenRequest: a sandbox kubeconfig token lasts at least 10 minutes. */
const SANDBOX_MIN_TOKEN_SECONDS = 600;

/**
 * The embedded cloud: IAM kept in the database, with roles, per-grant bindings carrying a cloud-enforced
 * expiry, a role quota, injectable faults and request ids (`sbx-<uuid>`) as evidence.
 */
export function sandboxAdapter(db: Db): CloudAdapter {
  // Runs one cloud call, applying an injected fault before (or, if `applied`, after) the change.
  async function call<T>(
    target: TargetRow,
    op: SandboxOp,
    fn: (requestId: string) => Promise<T>,
  ): Promise<T> {
    const fault = takeFault(target.id, op);
    if (fault && !fault.applied) throw faultError(fault, op);
    const out = await fn(sandboxRequestId());
    if (fault) throw faultError(fault, op);
    return out;
  }

  const findRole = async (targetId: string, roleName: string) =>
    (
      await db
        .select({ id: sandboxRoles.id })
        .from(sandboxRoles)
        .where(and(eq(sandboxRoles.targetId, targetId), eq(sandboxRoles.roleName, roleName)))
    )[0];

  return {
    kind: "sandbox",

    ensureRole: (target, spec) =>
      call(target, "ensureRole", async (requestId) => {
        // Insert-or-keep: an existing role (the common case) costs one statement.
        const created = await db
          .insert(sandboxRoles)
          .values({ targetId: target.id, roleName: spec.roleName, document: spec.document })
          .onConflictDoNothing()
          .returning({ id: sandboxRoles.id });
        if (created.length > 0) {
          const [{ n }] = await db
            .select({ n: count() })
            .from(sandboxRoles)
            .where(eq(sandboxRoles.targetId, target.id));
          // A lower quota in the target's settings (roleQuota) is enforced too: tests and demos fill it.
          const q = target.settings.roleQuota;
          const quota = typeof q === "number" && q > 0 ? q : SANDBOX_ROLE_QUOTA;
          if (n > quota) {
            await db.delete(sandboxRoles).where(eq(sandboxRoles.id, created[0].id));
            throw new CloudError(
              "permanent",
              `LimitExceeded: target ${target.name} already holds ${quota} custom roles`,
              undefined,
              requestId,
            );
          }
        }
        return { requestIds: [requestId], roleName: spec.roleName };
      }),

    bind: (target, b) =>
      call(target, "bind", async (requestId) => {
        if (!(await findRole(target.id, b.roleName))) {
          throw new CloudError(
            "not_found",
            `NoSuchEntity: role ${b.roleName} does not exist`,
            undefined,
            requestId,
          );
        }
        const bindingId = bindingIdFor(b.grantId);
        const values = {
          roleName: b.roleName,
          principal: b.principal,
          notAfter: b.notAfter,
          tags: {
            "elevate:grant": b.grantId,
            "elevate:org": b.orgId,
            "elevate:managed": "true",
            // The narrowing the grant carries, shown in the cloud-native document on read-back.
            ...(b.condition ? { "elevate:condition": b.condition } : {}),
            ...(b.scope ? { "elevate:scope": b.scope } : {}),
          },
        };
        // Already exists is success; the desired state (expiry included) wins, as a policy PUT would.
        await db
          .insert(sandboxBindings)
          .values({ targetId: target.id, bindingId, ...values })
          .onConflictDoUpdate({ target: [sandboxBindings.targetId, sandboxBindings.bindingId], set: values });
        return { requestIds: [requestId], bindingId };
      }),

    unbind: (target, bindingId) =>
      call(target, "unbind", async (requestId) => {
        await db
          .delete(sandboxBindings)
          .where(and(eq(sandboxBindings.targetId, target.id), eq(sandboxBindings.bindingId, bindingId)));
        return { requestIds: [requestId] };
      }),

    inspect: (target, bindingId) =>
      call(target, "inspect", async (requestId) => {
        const [row] = await db
          .select()
          .from(sandboxBindings)
          .where(and(eq(sandboxBindings.targetId, target.id), eq(sandboxBindings.bindingId, bindingId)));
        if (!row) return { requestIds: [requestId], present: false, notAfter: null, raw: null };
        const document = bindingDocument(target.cloud, { ...row, externalId: target.externalId });
        return {
          requestIds: [requestId],
          present: true,
          notAfter: row.notAfter.toISOString(),
          raw: { bindingId, roleName: row.roleName, principal: row.principal, tags: row.tags, document },
        };
      }),

    listManaged: async (target) => {
      const requestId = sandboxRequestId();
      const bindings = await db
        .select({
          bindingId: sandboxBindings.bindingId,
          roleName: sandboxBindings.roleName,
          tags: sandboxBindings.tags,
        })
        .from(sandboxBindings)
        .where(and(eq(sandboxBindings.targetId, target.id), sql`${sandboxBindings.tags} ? 'elevate:grant'`));
      const roles = await db
        .select({ roleName: sandboxRoles.roleName })
        .from(sandboxRoles)
        .where(eq(sandboxRoles.targetId, target.id));
      return {
        requestIds: [requestId],
        bindings: bindings.map((b) => ({
          bindingId: b.bindingId,
          roleName: b.roleName,
          grantId: b.tags["elevate:grant"],
        })),
        roles: roles.map((r) => r.roleName),
      };
    },

    // A sandbox cluster exists only in Elevate: the kubeconfig shows the shape, its token opens nothing.
    issueKubeconfig: (target, grant) =>
      call(target, "inspect", async (requestId) => {
        if (target.cloud !== "kubernetes")
          throw new CloudError(
            "permanent",
            `a ${target.cloud} target has no kubeconfig`,
            undefined,
            requestId,
          );
        const bindingId = bindingIdFor(grant.grantId);
        const [bound] = await db
          .select({ id: sandboxBindings.id })
          .from(sandboxBindings)
          .where(and(eq(sandboxBindings.targetId, target.id), eq(sandboxBindings.bindingId, bindingId)));
        if (!bound) throw new CloudError("not_found", `binding ${bindingId} not found`, undefined, requestId);
        const expiresAt = new Date(
          Math.max(grant.notAfter.getTime(), Date.now() + SANDBOX_MIN_TOKEN_SECONDS * 1000),
        ).toISOString();
        const kubeconfig = personKubeconfig({
          cluster: target.externalId,
          server: `https://${target.externalId}.sandbox.elevate.invalid`,
          user: bindingId,
          token: `sandbox-${randomBytes(16).toString("hex")}`,
          namespace: grant.namespace,
        });
        return { kubeconfig, expiresAt, requestIds: [requestId] };
      }),

    deleteRole: (target, roleName) =>
      call(target, "deleteRole", async (requestId) => {
        const [{ n }] = await db
          .select({ n: count() })
          .from(sandboxBindings)
          .where(and(eq(sandboxBindings.targetId, target.id), eq(sandboxBindings.roleName, roleName)));
        // Like IAM's DeleteConflict: a role still bound somewhere cannot go.
        if (n > 0) {
          throw new CloudError(
            "permanent",
            `DeleteConflict: role ${roleName} has ${n} bindings`,
            undefined,
            requestId,
          );
        }
        await db
          .delete(sandboxRoles)
          .where(and(eq(sandboxRoles.targetId, target.id), eq(sandboxRoles.roleName, roleName)));
        return { requestIds: [requestId] };
      }),
  };
}
