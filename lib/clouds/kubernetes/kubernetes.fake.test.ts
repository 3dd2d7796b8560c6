import { randomUUID } from "node:crypto";
import { AppsV1Api, CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseImport } from "@/lib/catalog/importers";
import { type FakeKubernetes, startFakeKubernetes } from "@/lib/clouds/fakes/kubernetes";
import { kubernetesSettings, kubernetesTarget } from "@/lib/clouds/fakes/kubernetes/testing";
import { bindingIdFor, CloudError, type TargetRow } from "@/lib/clouds/port";
import { KubernetesSettings } from "@/lib/targets/settings";
import { testRoleSpec } from "@/lib/testing/role-spec";
import { kubernetesAdapter, MIN_TOKEN_SECONDS } from "./adapter";

/**
 * The adapter against the fake API server, driven by @kubernetes/client-node both ways: Elevate's calls,
 * and the person's calls with the kubeconfig Elevate issues (the fake authorises those by its own RBAC).
 */
let fake: FakeKubernetes;
let target: TargetRow;
const adapterWith = (token: string) =>
  kubernetesAdapter({ settings: KubernetesSettings.parse(kubernetesSettings(fake)), token });

beforeAll(async () => {
  fake = await startFakeKubernetes();
  target = kubernetesTarget(fake);
  // Two deployments the person may or may not touch, created with Elevate's own (admin) credential.
  const kc = new KubeConfig();
  kc.loadFromString(
    JSON.stringify({
      clusters: [
        {
          name: "c",
          cluster: {
            server: fake.url,
            "certificate-authority-data": Buffer.from(fake.ca).toString("base64"),
          },
        },
      ],
      users: [{ name: "u", user: { token: fake.adminToken } }],
      contexts: [{ name: "x", context: { cluster: "c", user: "u" } }],
      "current-context": "x",
    }),
  );
  const apps = kc.makeApiClient(AppsV1Api);
  for (const namespace of ["shop", "billing"])
    await apps.createNamespacedDeployment({
      namespace,
      body: { metadata: { name: "web" }, spec: { selector: {}, template: {} } },
    });
});
afterAll(() => fake?.stop());

const restartSpec = (resource: string) =>
  testRoleSpec({
    cloud: "kubernetes",
    permissions: ["apps/deployments:get", "apps/deployments:patch"],
    resource,
    resourceKind: "namespace",
    accountId: "fake-cluster",
  });

async function grant(spec: ReturnType<typeof restartSpec>, minutes: number) {
  const adapter = adapterWith(fake.adminToken);
  const grantId = randomUUID();
  await adapter.ensureRole(target, spec);
  const notAfter = new Date(fake.state.now().getTime() + minutes * 60_000);
  const b = {
    grantId,
    orgId: target.orgId,
    roleName: spec.roleName,
    principal: "alice@example.com",
    notAfter,
    scope: spec.binding.scope,
  };
  const { bindingId } = await adapter.bind(target, b);
  const issued = await adapter.issueKubeconfig!(target, { grantId, notAfter, namespace: spec.binding.scope });
  const kc = new KubeConfig();
  kc.loadFromString(issued.kubeconfig);
  return {
    adapter,
    grantId,
    bindingId,
    notAfter,
    issued,
    apps: kc.makeApiClient(AppsV1Api),
    core: kc.makeApiClient(CoreV1Api),
  };
}

const restart = (apps: AppsV1Api, namespace: string, name = "web") =>
  apps
    .patchNamespacedDeployment(
      {
        name,
        namespace,
        body: {
          spec: {
            template: {
              metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": new Date().toISOString() } },
            },
          },
        },
      },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    )
    .then(
      () => 200,
      (e: { code?: number }) => e.code ?? 0,
    );

describe("kubernetes adapter on the fake, through the issued kubeconfig", () => {
  it("Restart a deployment: the kubeconfig restarts shop/web, and nothing in billing, no secrets", async () => {
    const g = await grant(restartSpec("shop"), 60);
    expect(await restart(g.apps, "shop")).toBe(200);
    expect(await restart(g.apps, "billing")).toBe(403);
    const secrets = await g.core.listNamespacedSecret({ namespace: "shop" }).then(
      () => 200,
      (e: { code?: number }) => e.code,
    );
    expect(secrets).toBe(403);
    // The issued token expires with the grant; the kubeconfig never names Elevate's own token.
    expect(Math.abs(Date.parse(g.issued.expiresAt) - g.notAfter.getTime())).toBeLessThan(2000);
    expect(g.issued.kubeconfig).not.toContain(fake.adminToken);
    // Elevate's read-back and the cluster's own SubjectAccessReview agree.
    const access = await g.adapter.checkAccess!(
      target,
      {
        grantId: g.grantId,
        orgId: target.orgId,
        roleName: "",
        principal: "alice@example.com",
        notAfter: g.notAfter,
        scope: "shop",
        bindingId: g.bindingId,
      },
      restartSpec("shop"),
    );
    expect(access.checks.every((c) => c.allowed)).toBe(true);
    expect(access.principal).toBe(`system:serviceaccount:elevate-grants:${bindingIdFor(g.grantId)}`);
  });

  it("namespace/name narrows to that deployment (resourceNames)", async () => {
    await fake.state.create(
      { group: "apps", resource: "deployments", namespace: "shop" },
      { metadata: { name: "api" } },
    );
    const g = await grant(restartSpec("shop/web"), 60);
    expect(await restart(g.apps, "shop", "web")).toBe(200);
    expect(await restart(g.apps, "shop", "api")).toBe(403);
  });

  it("the token dies on its own at expiry, even with the binding still present", async () => {
    const g = await grant(restartSpec("shop"), 30);
    expect(await restart(g.apps, "shop")).toBe(200);
    fake.state.clockOffsetMs += 31 * 60_000;
    try {
      expect((await g.adapter.inspect(target, g.bindingId)).present).toBe(true);
      expect(await restart(g.apps, "shop")).toBe(401);
    } finally {
      fake.state.clockOffsetMs = 0;
    }
  });

  it("unbind removes the binding and the ServiceAccount: the token stops at once", async () => {
    const g = await grant(restartSpec("shop"), 60);
    await g.adapter.unbind(target, g.bindingId);
    expect((await g.adapter.inspect(target, g.bindingId)).present).toBe(false);
    expect(await restart(g.apps, "shop")).toBe(401);
    const managed = await g.adapter.listManaged(target);
    expect(managed.bindings.map((b) => b.grantId)).not.toContain(g.grantId);
  });

  it("an extension re-binds with the later expiry (replace on 409), read back", async () => {
    const g = await grant(restartSpec("shop"), 30);
    const later = new Date(g.notAfter.getTime() + 30 * 60_000);
    const spec = restartSpec("shop");
    const b = {
      grantId: g.grantId,
      orgId: target.orgId,
      roleName: spec.roleName,
      principal: "alice@example.com",
      notAfter: later,
      scope: "shop",
    };
    await g.adapter.bind(target, b);
    expect((await g.adapter.inspect(target, g.bindingId)).notAfter).toBe(later.toISOString());
    expect(
      fake.calls.some((c) => c.method === "PUT" && c.path.endsWith(`/rolebindings/${g.bindingId}`)),
    ).toBe(true);
  });

  it("asks TokenRequest for at least 10 minutes when less is left (the API's minimum)", async () => {
    const g = await grant(restartSpec("shop"), 2);
    const sent = fake.calls.filter((c) => c.path.endsWith("/token")).at(-1)?.body as {
      spec: { expirationSeconds: number };
    };
    expect(sent.spec.expirationSeconds).toBe(MIN_TOKEN_SECONDS);
    expect(Date.parse(g.issued.expiresAt) - g.notAfter.getTime()).toBeGreaterThan(7 * 60_000);
  });

  it("a ServiceAccount left behind by a crash shows as drift, and unbind removes it", async () => {
    const adapter = adapterWith(fake.adminToken);
    const grantId = randomUUID();
    await fake.state.create(
      { group: "", resource: "serviceaccounts", namespace: "elevate-grants" },
      {
        metadata: {
          name: bindingIdFor(grantId),
          labels: {
            "app.kubernetes.io/managed-by": "elevate",
            "elevate.dev/grant": grantId,
            "elevate.dev/org": target.orgId,
          },
        },
      },
    );
    const drift = await adapter.listManaged(target);
    expect(drift.bindings).toContainEqual({ bindingId: bindingIdFor(grantId), grantId, roleName: "" });
    await adapter.unbind(target, bindingIdFor(grantId));
    expect((await adapter.listManaged(target)).bindings.map((b) => b.grantId)).not.toContain(grantId);
  });
});

describe("kubernetes adapter errors", () => {
  it("an unknown token is rejected (401), a token without RBAC rights is forbidden (403): both permanent", async () => {
    const spec = restartSpec("shop");
    await expect(adapterWith("not-a-token").ensureRole(target, spec)).rejects.toMatchObject({
      kind: "permanent",
      message: expect.stringMatching(/credentials rejected/),
    });
    const weak = fake.state.addToken({ user: "bob", groups: ["system:authenticated"] });
    const err = await adapterWith(weak)
      .ensureRole(target, spec)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudError);
    expect(err).toMatchObject({
      kind: "permanent",
      message: expect.stringMatching(/forbidden: User "bob" cannot create/),
    });
  });

  it("409 AlreadyExists on create is success; 5xx is retryable; 429 is throttled with its Retry-After", async () => {
    const adapter = adapterWith(fake.adminToken);
    const spec = restartSpec("shop");
    await adapter.ensureRole(target, spec);
    await expect(adapter.ensureRole(target, spec)).resolves.toMatchObject({ roleName: spec.roleName });
    expect(fake.calls.filter((c) => c.status === 409).length).toBeGreaterThan(0);
    fake.injectFault({ match: "POST /apis/rbac.authorization.k8s.io/v1/namespaces/shop/roles", status: 503 });
    await expect(adapter.ensureRole(target, spec)).rejects.toMatchObject({ kind: "retryable" });
    fake.injectFault({
      match: "POST /apis/rbac.authorization.k8s.io/v1/namespaces/shop/roles",
      status: 429,
      retryAfterSeconds: 7,
    });
    await expect(adapter.ensureRole(target, spec)).rejects.toMatchObject({
      kind: "throttled",
      retryAfterMs: 7000,
    });
  });

  it("user mode issues no kubeconfig: people sign in to the cluster as themselves", async () => {
    const adapter = kubernetesAdapter({
      settings: KubernetesSettings.parse(kubernetesSettings(fake, { subject: "user" })),
      token: fake.adminToken,
    });
    await expect(
      adapter.issueKubeconfig!(target, { grantId: randomUUID(), notAfter: new Date() }),
    ).rejects.toMatchObject({
      kind: "permanent",
    });
  });
});

describe("kubernetes catalog from discovery", () => {
  it("reads /api/v1 and every group's preferred version, custom resources included, as an importable export", async () => {
    const out = await adapterWith(fake.adminToken).syncCatalog!(target);
    expect(out.requestIds.length).toBeGreaterThan(0);
    const parsed = parseImport("kubernetes", "kubernetes-api-resources", out.exports[0].content);
    const names = parsed.entries.map((e) => e.name);
    expect(names).toContain("core/pods/log:get");
    expect(names).toContain("apps/deployments:patch");
    expect(names).toContain("widgets.example.com/widgets:get");
    expect(names).toContain("widgets.example.com/widgets/status:patch");
  });
});
