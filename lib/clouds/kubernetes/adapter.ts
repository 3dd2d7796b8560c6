import {
  AuthorizationV1Api,
  CoreV1Api,
  RbacAuthorizationV1Api,
  type RbacV1Subject,
  type V1ClusterRoleBinding,
  type V1RoleBinding,
} from "@kubernetes/client-node";
import type { RoleSpec } from "@/db/schema";
import { parseK8sPermission } from "@/lib/catalog/kubernetes-names";
import type { K8sRule } from "@/lib/catalog/role-kubernetes";
import {
  bindingIdFor,
  type CloudAccessEvidence,
  type CloudAdapter,
  CloudError,
  type ManagedArtifacts,
  type TargetRow,
} from "@/lib/clouds/port";
import type { KubernetesSettings } from "@/lib/targets/settings";
import { call, ids, isAnswer } from "./call";
import { kubernetesCatalogExports } from "./catalog-sync";
import { elevateKubeConfig } from "./config";
import { personKubeconfig } from "./kubeconfig";
import {
  GRANT,
  grantIdOf,
  MANAGED,
  MANAGED_SELECTOR,
  NOT_AFTER,
  ORG,
  serviceAccountGroups,
  serviceAccountName,
  serviceAccountUser,
} from "./names";

export type KubernetesAdapterConfig = { settings: KubernetesSettings; token: string };

const RBAC_GROUP = "rbac.authorization.k8s.io";
/** TokenRequest refuses less than 10 minutes (TokenRequestSpec.expirationSeconds). */
export const MIN_TOKEN_SECONDS = 600;
/** Permissions checked by SubjectAccessReview after bind (evidence; the role document holds the rest). */
const MAX_CHECKS = 20;

type RoleDoc = { kind?: string; metadata?: { name?: string; namespace?: string }; rules?: K8sRule[] };

/**
 * Kubernetes RBAC through @kubernetes/client-node: a content-addressed Role (namespace) or ClusterRole per
 * permission set, and per grant a RoleBinding (or ClusterRoleBinding) named after the grant. In
 * ServiceAccount mode (the default) the binding's subject is a per-grant ServiceAccount whose TokenRequest
 * token expires with the grant; in user mode it is the person's OIDC user name. See docs/kubernetes.md.
 */
export function kubernetesAdapter(config: KubernetesAdapterConfig): CloudAdapter {
  const { settings } = config;
  const kc = elevateKubeConfig(settings, config.token);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const authz = kc.makeApiClient(AuthorizationV1Api);
  const saNamespace = settings.serviceAccountNamespace;

  const labels = (grantId: string, orgId: string) => ({
    [MANAGED]: "elevate",
    [GRANT]: grantId,
    [ORG]: orgId,
  });

  function subjectFor(grantId: string, principal: string): RbacV1Subject {
    if (settings.subject === "serviceaccount")
      return { kind: "ServiceAccount", name: serviceAccountName(grantId), namespace: saNamespace };
    return { kind: "User", apiGroup: RBAC_GROUP, name: `${settings.usernamePrefix}${principal}` };
  }

  /** The grant's binding, wherever it is: a RoleBinding (found by label) or the ClusterRoleBinding. */
  async function findBinding(bindingId: string) {
    const grantId = grantIdOf(bindingId);
    if (!grantId) throw new CloudError("permanent", `kubernetes: ${bindingId} is not an Elevate binding id`);
    const local = await call("list RoleBindings", () =>
      rbac.listRoleBindingForAllNamespacesWithHttpInfo({ labelSelector: `${GRANT}=${grantId}` }),
    );
    const cluster = await call(
      "read ClusterRoleBinding",
      () => rbac.readClusterRoleBindingWithHttpInfo({ name: bindingId }),
      [404],
    );
    const found: (V1RoleBinding | V1ClusterRoleBinding)[] = isAnswer(local)
      ? local.data.items.filter((b) => b.metadata?.name === bindingId)
      : [];
    if (isAnswer(cluster) && cluster.data.metadata?.labels?.[GRANT] === grantId) found.push(cluster.data);
    return { grantId, found, requestIds: ids(local, cluster) };
  }

  const adapter: CloudAdapter = {
    kind: "kubernetes",

    async ensureRole(_target: TargetRow, spec: RoleSpec) {
      const doc = spec.document as RoleDoc;
      const body = { ...doc, metadata: { ...doc.metadata, name: spec.roleName } };
      const answer =
        doc.kind === "Role" && doc.metadata?.namespace
          ? await call(
              "create Role",
              () => rbac.createNamespacedRoleWithHttpInfo({ namespace: doc.metadata!.namespace!, body }),
              [409],
            )
          : await call("create ClusterRole", () => rbac.createClusterRoleWithHttpInfo({ body }), [409]);
      // 409 AlreadyExists: the name is the hash of the rules, so the existing role is this one.
      return { roleName: spec.roleName, requestIds: ids(answer) };
    },

    async bind(target, b) {
      const bindingId = bindingIdFor(b.grantId);
      const requestIds: string[] = [];
      const meta = {
        name: bindingId,
        labels: labels(b.grantId, b.orgId),
        annotations: { [NOT_AFTER]: b.notAfter.toISOString() },
      };
      if (settings.subject === "serviceaccount") {
        const sa = await call(
          "create ServiceAccount",
          () =>
            core.createNamespacedServiceAccountWithHttpInfo({
              namespace: saNamespace,
              body: { metadata: { name: serviceAccountName(b.grantId), labels: labels(b.grantId, b.orgId) } },
            }),
          [409],
        );
        requestIds.push(...ids(sa));
      }
      const subjects = [subjectFor(b.grantId, b.principal)];
      if (b.scope) {
        const body = {
          metadata: { ...meta, namespace: b.scope },
          roleRef: { apiGroup: RBAC_GROUP, kind: "Role", name: b.roleName },
          subjects,
        };
        const made = await call(
          "create RoleBinding",
          () => rbac.createNamespacedRoleBindingWithHttpInfo({ namespace: b.scope!, body }),
          [409],
        );
        requestIds.push(...ids(made));
        // Already there: an extension (or a retry) re-makes it with this expiry.
        if (!isAnswer(made)) {
          const put = await call("replace RoleBinding", () =>
            rbac.replaceNamespacedRoleBindingWithHttpInfo({ name: bindingId, namespace: b.scope!, body }),
          );
          requestIds.push(...ids(put));
        }
      } else {
        const body = {
          metadata: meta,
          roleRef: { apiGroup: RBAC_GROUP, kind: "ClusterRole", name: b.roleName },
          subjects,
        };
        const made = await call(
          "create ClusterRoleBinding",
          () => rbac.createClusterRoleBindingWithHttpInfo({ body }),
          [409],
        );
        requestIds.push(...ids(made));
        if (!isAnswer(made)) {
          const put = await call("replace ClusterRoleBinding", () =>
            rbac.replaceClusterRoleBindingWithHttpInfo({ name: bindingId, body }),
          );
          requestIds.push(...ids(put));
        }
      }
      void target;
      return { bindingId, requestIds };
    },

    async unbind(_target, bindingId) {
      const { grantId, found, requestIds } = await findBinding(bindingId);
      for (const b of found) {
        const ns = b.metadata?.namespace;
        const gone = ns
          ? await call(
              "delete RoleBinding",
              () => rbac.deleteNamespacedRoleBindingWithHttpInfo({ name: bindingId, namespace: ns }),
              [404],
            )
          : await call(
              "delete ClusterRoleBinding",
              () => rbac.deleteClusterRoleBindingWithHttpInfo({ name: bindingId }),
              [404],
            );
        requestIds.push(...ids(gone));
      }
      // The ServiceAccount goes too: its tokens stop authenticating the moment it is deleted.
      const sas = await call("list ServiceAccounts", () =>
        core.listServiceAccountForAllNamespacesWithHttpInfo({ labelSelector: `${GRANT}=${grantId}` }),
      );
      requestIds.push(...ids(sas));
      for (const sa of isAnswer(sas) ? sas.data.items : []) {
        const ns = sa.metadata?.namespace;
        const name = sa.metadata?.name;
        if (!ns || !name) continue;
        const gone = await call(
          "delete ServiceAccount",
          () => core.deleteNamespacedServiceAccountWithHttpInfo({ name, namespace: ns }),
          [404],
        );
        requestIds.push(...ids(gone));
      }
      return { requestIds };
    },

    async inspect(_target, bindingId) {
      const { found, requestIds } = await findBinding(bindingId);
      const b = found[0];
      if (!b) return { present: false, notAfter: null, raw: null, requestIds };
      return {
        present: true,
        notAfter: b.metadata?.annotations?.[NOT_AFTER] ?? null,
        raw: {
          kind: b.metadata?.namespace ? "RoleBinding" : "ClusterRoleBinding",
          namespace: b.metadata?.namespace ?? null,
          name: b.metadata?.name,
          roleRef: b.roleRef,
          subjects: b.subjects ?? [],
        },
        requestIds,
      };
    },

    async listManaged(target): Promise<ManagedArtifacts> {
      const sel = { labelSelector: MANAGED_SELECTOR };
      // Bindings and ServiceAccounts are per grant, so per org: another org's on a shared cluster are not ours.
      const own = { labelSelector: `${MANAGED_SELECTOR},${ORG}=${target.orgId}` };
      const [rbs, crbs, roles, croles, sas] = [
        await call("list RoleBindings", () => rbac.listRoleBindingForAllNamespacesWithHttpInfo(own)),
        await call("list ClusterRoleBindings", () => rbac.listClusterRoleBindingWithHttpInfo(own)),
        await call("list Roles", () => rbac.listRoleForAllNamespacesWithHttpInfo(sel)),
        await call("list ClusterRoles", () => rbac.listClusterRoleWithHttpInfo(sel)),
        await call("list ServiceAccounts", () => core.listServiceAccountForAllNamespacesWithHttpInfo(own)),
      ];
      const bindings: ManagedArtifacts["bindings"] = [];
      for (const b of [
        ...(isAnswer(rbs) ? rbs.data.items : []),
        ...(isAnswer(crbs) ? crbs.data.items : []),
      ]) {
        const grantId = b.metadata?.labels?.[GRANT];
        if (grantId && b.metadata?.name)
          bindings.push({ bindingId: b.metadata.name, grantId, roleName: b.roleRef.name });
      }
      // A ServiceAccount left without its binding (a crash between the two) is drift too: unbind removes it.
      for (const sa of isAnswer(sas) ? sas.data.items : []) {
        const grantId = sa.metadata?.labels?.[GRANT];
        if (grantId && !bindings.some((b) => b.grantId === grantId))
          bindings.push({ bindingId: bindingIdFor(grantId), grantId, roleName: "" });
      }
      const names = [
        ...(isAnswer(roles) ? roles.data.items : []),
        ...(isAnswer(croles) ? croles.data.items : []),
      ].flatMap((r) => (r.metadata?.name ? [r.metadata.name] : []));
      return { bindings, roles: [...new Set(names)], requestIds: ids(rbs, crbs, roles, croles, sas) };
    },

    async deleteRole(_target, roleName) {
      const roles = await call("list Roles", () =>
        rbac.listRoleForAllNamespacesWithHttpInfo({ labelSelector: MANAGED_SELECTOR }),
      );
      const requestIds = ids(roles);
      for (const r of isAnswer(roles) ? roles.data.items : []) {
        const ns = r.metadata?.namespace;
        if (r.metadata?.name !== roleName || !ns) continue;
        requestIds.push(
          ...ids(
            await call(
              "delete Role",
              () => rbac.deleteNamespacedRoleWithHttpInfo({ name: roleName, namespace: ns }),
              [404],
            ),
          ),
        );
      }
      requestIds.push(
        ...ids(
          await call(
            "delete ClusterRole",
            () => rbac.deleteClusterRoleWithHttpInfo({ name: roleName }),
            [404],
          ),
        ),
      );
      return { requestIds };
    },

    async checkAccess(_target, binding, spec): Promise<CloudAccessEvidence> {
      const sa = settings.subject === "serviceaccount";
      const user = sa
        ? serviceAccountUser(saNamespace, serviceAccountName(binding.grantId))
        : `${settings.usernamePrefix}${binding.principal}`;
      const groups = sa ? serviceAccountGroups(saNamespace) : [];
      const name = ((spec.document as RoleDoc).rules ?? [])[0]?.resourceNames?.[0];
      const requestIds: string[] = [];
      const checks = [];
      for (const permission of spec.permissions.slice(0, MAX_CHECKS)) {
        const p = parseK8sPermission(permission);
        if (!p) continue;
        const [resource, subresource] = p.resource.split("/");
        const answer = await call("create SubjectAccessReview", () =>
          authz.createSubjectAccessReviewWithHttpInfo({
            body: {
              spec: {
                user,
                groups,
                resourceAttributes: {
                  verb: p.verb,
                  group: p.apiGroup,
                  resource,
                  ...(subresource ? { subresource } : {}),
                  ...(binding.scope ? { namespace: binding.scope } : {}),
                  ...(name ? { name } : {}),
                },
              },
            },
          }),
        );
        requestIds.push(...ids(answer));
        const allowed = isAnswer(answer) && answer.data.status?.allowed === true;
        checks.push({
          permission,
          resource: binding.scope ? `${binding.scope}/${name ?? "*"}` : "*",
          allowed,
          decision: allowed ? "allowed" : (isAnswer(answer) && answer.data.status?.reason) || "denied",
        });
      }
      return {
        checker: "kubernetes:SubjectAccessReview",
        principal: user,
        evaluatedAt: new Date().toISOString(),
        permissions: spec.permissions.length,
        checks,
        requestIds,
      };
    },

    async syncCatalog(_target) {
      return kubernetesCatalogExports(kc);
    },

    async issueKubeconfig(target, grant) {
      if (settings.subject !== "serviceaccount")
        throw new CloudError(
          "permanent",
          "kubernetes: this target binds people's own cluster identities; sign in to the cluster as yourself",
        );
      const name = serviceAccountName(grant.grantId);
      const seconds = Math.max(MIN_TOKEN_SECONDS, Math.ceil((grant.notAfter.getTime() - Date.now()) / 1000));
      const answer = await call("create TokenRequest", () =>
        core.createNamespacedServiceAccountTokenWithHttpInfo({
          name,
          namespace: saNamespace,
          body: { spec: { audiences: [], expirationSeconds: seconds } },
        }),
      );
      if (!isAnswer(answer) || !answer.data.status?.token)
        throw new CloudError("retryable", "kubernetes create TokenRequest: no token in the answer");
      const expiresAt = new Date(answer.data.status.expirationTimestamp).toISOString();
      return {
        kubeconfig: personKubeconfig({
          cluster: target.externalId,
          server: settings.endpoint,
          ca: settings.ca,
          user: name,
          token: answer.data.status.token,
          namespace: grant.namespace,
        }),
        expiresAt,
        requestIds: ids(answer),
      };
    },
  };
  return adapter;
}
