import {
  AppsV1Api,
  AuthorizationV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from "@kubernetes/client-node";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { auditEvents, grants } from "@/db/schema";
import { type FakeKubernetes, startFakeKubernetes } from "@/lib/clouds/fakes/kubernetes";
import { clearAdapterCache } from "@/lib/clouds/registry";
import { issueGrantKubeconfig, provisionGrant } from "@/lib/grants";
import { claimDueGrants, processDue } from "@/lib/grants/reconcile-grants";
import { evaluateK8s, type RbacRule } from "@/lib/iam/k8s-eval";
import { decideRequest, submitRequest } from "@/lib/requests";
import { connectTarget } from "@/lib/targets";
import { systemCtx, userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";

/**
 * Issue 13's "done when", on the wire fake: "Restart a deployment" goes submitted → approved → active
 * (kubeconfig issued, binding present) → expired → revoked. The fake's own RBAC and SubjectAccessReview
 * (and the person's kubeconfig, through the real client) are the oracle; Elevate's evaluator must agree.
 */
const TOKEN_VAR = "ELEVATE_TEST_K8S_LIFECYCLE_TOKEN";
let h: DbHandle;
let fake: FakeKubernetes;

beforeAll(async () => {
  [h, fake] = await Promise.all([openTestDb(), startFakeKubernetes()]);
  process.env[TOKEN_VAR] = fake.adminToken;
  for (const namespace of ["shop", "billing"])
    await fake.state.create(
      { group: "apps", resource: "deployments", namespace },
      { metadata: { name: "web" } },
    );
});
afterAll(async () => {
  delete process.env[TOKEN_VAR];
  clearAdapterCache();
  await Promise.all([h?.close(), fake?.stop()]);
});

const clientFor = (kubeconfig: string) => {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig);
  return kc.makeApiClient(AppsV1Api);
};
const restart = (apps: AppsV1Api, namespace: string) =>
  apps
    .patchNamespacedDeployment(
      { name: "web", namespace, body: { metadata: { annotations: { restartedAt: "now" } } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    )
    .then(
      () => 200,
      (e: { code?: number }) => e.code ?? 0,
    );

/** The cluster's own answer (SubjectAccessReview, asked with Elevate's credential). */
async function clusterSays(user: string, verb: string, resource: string, namespace: string, group = "apps") {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      { name: "c", server: fake.url, caData: Buffer.from(fake.ca).toString("base64"), skipTLSVerify: false },
    ],
    users: [{ name: "u", token: fake.adminToken }],
    contexts: [{ name: "x", cluster: "c", user: "u" }],
    currentContext: "x",
  });
  const review = await kc.makeApiClient(AuthorizationV1Api).createSubjectAccessReview({
    body: {
      spec: {
        user,
        groups: ["system:serviceaccounts"],
        resourceAttributes: { verb, group, resource, namespace },
      },
    },
  });
  return review.status?.allowed === true;
}

describe("Restart a deployment on a Kubernetes target (wire fake)", () => {
  it("submitted → approved → active (kubeconfig, binding) → expired → revoked; allowed only for the task", async () => {
    const org = await createTestOrg(h.db);
    const admin = await userCtx(h.db, org.users.admin);
    const target = await connectTarget({
      ctx: admin,
      input: {
        name: "prod-eu",
        cloud: "kubernetes",
        adapter: "kubernetes",
        externalId: "prod-eu",
        settings: { endpoint: fake.url, ca: fake.ca, credentials: { type: "env-token", var: TOKEN_VAR } },
      },
    });

    // submitted
    const requester = await userCtx(h.db, org.users.requester);
    const submitted = await submitRequest({
      ctx: requester,
      input: {
        targetId: target.id,
        templateId: org.template("k8s.deployment.restart").id,
        resource: "shop",
        durationMinutes: 60,
        justification: "Roll the web pods for INC-7",
        ticketUrl: "https://tickets.example/INC-7",
      },
    });
    expect(submitted.status).toBe("pending");

    // approved
    const decided = await decideRequest({
      ctx: await userCtx(h.db, org.users.approver),
      input: { requestId: submitted.id, verdict: "approve" },
    });
    expect(decided.status).toBe("approved");
    const grantId = decided.grants[0].id;

    // active: binding present, kubeconfig issued
    const active = await provisionGrant({ ctx: systemCtx(h.db, org.org.id), input: { grantId } });
    expect(active.status).toBe("active");
    const [row] = await h.db.select().from(grants).where(eq(grants.id, grantId));
    const saUser = `system:serviceaccount:elevate-grants:elevate-${grantId}`;
    // Evidence at bind: the cluster's SubjectAccessReview and Elevate's evaluator both allow the role.
    expect(row.evidence.provision?.effective).toMatchObject({ afterExpiry: "deny" });
    expect(JSON.stringify(row.evidence.provision)).toContain("kubernetes:SubjectAccessReview");
    const binding = fake.state.get(
      { group: "rbac.authorization.k8s.io", resource: "rolebindings", namespace: "shop" },
      `elevate-${grantId}`,
    );
    expect(binding).toMatchObject({ roleRef: { kind: "Role", name: row.roleSpec.roleName } });
    const kubeconfig = await issueGrantKubeconfig({ ctx: requester, input: { grantId } });
    expect(kubeconfig.filename).toMatch(/\.kubeconfig$/);
    expect(Math.abs(Date.parse(kubeconfig.expiresAt) - (row.expiresAt?.getTime() ?? 0))).toBeLessThan(2000);
    const [issuedAudit] = await h.db
      .select()
      .from(auditEvents)
      // This grant's: a Postgres test database keeps other runs' audit rows.
      .where(and(eq(auditEvents.action, "grant.kubeconfig_issued"), eq(auditEvents.subjectId, grantId)));
    expect(issuedAudit.subjectId).toBe(grantId);
    expect(JSON.stringify(issuedAudit.data)).not.toContain('token":');
    // Nobody else gets the person's credential, not even an admin.
    await expect(issueGrantKubeconfig({ ctx: admin, input: { grantId } })).rejects.toMatchObject({
      code: "not_found",
    });

    // The cluster allows the task and nothing beside it, to the person's kubeconfig and to SubjectAccessReview…
    const apps = clientFor(kubeconfig.content);
    expect(await restart(apps, "shop")).toBe(200);
    expect(await restart(apps, "billing")).toBe(403);
    expect(await clusterSays(saUser, "patch", "deployments", "shop")).toBe(true);
    expect(await clusterSays(saUser, "patch", "deployments", "billing")).toBe(false);
    expect(await clusterSays(saUser, "get", "secrets", "shop", "")).toBe(false);
    // …and Elevate's evaluator, on the stored role, agrees.
    const k8sGrant = {
      rules: (row.roleSpec.document as { rules: RbacRule[] }).rules,
      bindingNamespace: row.roleSpec.binding?.scope ?? null,
      notAfter: row.expiresAt,
    };
    const now = new Date();
    const ask = (verb: string, apiGroup: string, resource: string, namespace: string, time = now) =>
      evaluateK8s(k8sGrant, { verb, apiGroup, resource, namespace, name: "web", time }).decision;
    expect(ask("patch", "apps", "deployments", "shop")).toBe("allow");
    expect(ask("patch", "apps", "deployments", "billing")).toBe("deny");
    expect(ask("get", "", "secrets", "shop")).toBe("deny");
    expect(ask("delete", "apps", "deployments", "shop")).toBe("deny");
    const after = new Date((row.expiresAt?.getTime() ?? 0) + 1000);
    expect(ask("patch", "apps", "deployments", "shop", after)).toBe("deny");

    // expired: the token dies on its own, with the binding still there
    fake.state.clockOffsetMs = (row.expiresAt?.getTime() ?? 0) - Date.now() + 1000;
    expect(await restart(apps, "shop")).toBe(401);
    expect(
      fake.state.get(
        { group: "rbac.authorization.k8s.io", resource: "rolebindings", namespace: "shop" },
        `elevate-${grantId}`,
      ),
    ).toBeDefined();

    // revoked: the reconciler removes the binding and the ServiceAccount
    const due = await claimDueGrants(h.db, after, 10, 60_000, org.org.id);
    expect(due.map((d) => d.id)).toContain(grantId);
    await processDue(h.db, due, after, undefined, 1);
    const [revoked] = await h.db.select().from(grants).where(eq(grants.id, grantId));
    expect(revoked.status).toBe("revoked");
    expect(revoked.evidence.removal?.requestIds.length).toBeGreaterThan(0);
    expect(
      fake.state.get(
        { group: "rbac.authorization.k8s.io", resource: "rolebindings", namespace: "shop" },
        `elevate-${grantId}`,
      ),
    ).toBeUndefined();
    expect(
      fake.state.get(
        { group: "", resource: "serviceaccounts", namespace: "elevate-grants" },
        `elevate-${grantId}`,
      ),
    ).toBeUndefined();
    fake.state.clockOffsetMs = 0;
    expect(await clusterSays(saUser, "patch", "deployments", "shop")).toBe(false);
    await expect(issueGrantKubeconfig({ ctx: requester, input: { grantId } })).rejects.toMatchObject({
      code: "conflict",
    });
  });
});
