import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { targets } from "@/db/schema";
import { loadOrgCatalog } from "@/lib/catalog";
import { syncCatalogFromTarget } from "@/lib/catalog/sync";
import { type FakeKubernetes, startFakeKubernetes } from "@/lib/clouds/fakes/kubernetes";
import { adapterFor, clearAdapterCache } from "@/lib/clouds/registry";
import { removeDrift } from "@/lib/grants/reconcile-drift";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { testRoleSpec } from "@/lib/testing/role-spec";
import { connectTarget, testTargetConnection } from "..";

/** A Kubernetes target through the admin verbs: connect, test connection, catalog sync, drift removal. */
const TOKEN_VAR = "ELEVATE_TEST_K8S_TARGET_TOKEN";
const WEAK_VAR = "ELEVATE_TEST_K8S_WEAK_TOKEN";
let h: DbHandle;
let fake: FakeKubernetes;
beforeAll(async () => {
  [h, fake] = await Promise.all([openTestDb(), startFakeKubernetes()]);
  process.env[TOKEN_VAR] = fake.adminToken;
  process.env[WEAK_VAR] = fake.state.addToken({ user: "nobody", groups: ["system:authenticated"] });
});
afterAll(async () => {
  delete process.env[TOKEN_VAR];
  delete process.env[WEAK_VAR];
  clearAdapterCache();
  await Promise.all([h?.close(), fake?.stop()]);
});

async function connected(tokenVar = TOKEN_VAR) {
  const org = await createTestOrg(h.db);
  const admin = await userCtx(h.db, org.users.admin);
  const target = await connectTarget({
    ctx: admin,
    input: {
      name: `k8s-${randomUUID().slice(0, 6)}`,
      cloud: "kubernetes",
      adapter: "kubernetes",
      externalId: "prod-eu",
      settings: { endpoint: fake.url, ca: fake.ca, credentials: { type: "env-token", var: tokenVar } },
    },
  });
  return { org, admin, target };
}

describe("a Kubernetes target", () => {
  it("refuses settings without an API server or with the token itself, naming the field", async () => {
    const org = await createTestOrg(h.db);
    const admin = await userCtx(h.db, org.users.admin);
    const base = {
      name: "k",
      cloud: "kubernetes" as const,
      adapter: "kubernetes" as const,
      externalId: "prod-eu",
    };
    await expect(
      connectTarget({
        ctx: admin,
        input: { ...base, settings: { credentials: { type: "env-token", var: TOKEN_VAR } } },
      }),
    ).rejects.toMatchObject({ field: "settings.endpoint" });
    await expect(
      connectTarget({
        ctx: admin,
        input: {
          ...base,
          externalId: "Prod EU",
          settings: { endpoint: fake.url, credentials: { type: "env-token", var: TOKEN_VAR } },
        },
      }),
    ).rejects.toMatchObject({ field: "externalId" });
  });

  it("tests its connection: ok with Elevate's token, a clear failure with a token RBAC forbids", async () => {
    const good = await connected();
    expect(
      await testTargetConnection({ ctx: good.admin, input: { targetId: good.target.id } }),
    ).toMatchObject({ ok: true });
    const weak = await connected(WEAK_VAR);
    const failed = await testTargetConnection({ ctx: weak.admin, input: { targetId: weak.target.id } });
    expect(failed.ok).toBe(false);
    expect(failed.message).toMatch(/forbidden/i);
  });

  it("syncs its catalog from discovery: custom resources become requestable", async () => {
    const { org, admin, target } = await connected();
    const synced = await syncCatalogFromTarget({ ctx: admin, input: { targetId: target.id } });
    expect(synced.versions).toHaveLength(1);
    expect(synced.added).toBeGreaterThan(0);
    const catalog = await loadOrgCatalog(h.db, org.org.id);
    expect(catalog.get("kubernetes", "widgets.example.com/widgets:get")).toBeDefined();
  });

  it("drift: a binding no grant explains is removed with its ServiceAccount", async () => {
    const { org, target } = await connected();
    const [row] = await h.db.select().from(targets).where(eq(targets.id, target.id));
    const adapter = adapterFor(h.db, row);
    const spec = testRoleSpec({
      cloud: "kubernetes",
      permissions: ["core/pods:get"],
      resource: "shop",
      resourceKind: "namespace",
      accountId: "prod-eu",
    });
    await adapter.ensureRole(row, spec);
    const orphan = randomUUID();
    await adapter.bind(row, {
      grantId: orphan,
      orgId: org.org.id,
      roleName: spec.roleName,
      principal: "x@example.com",
      notAfter: new Date(Date.now() + 600_000),
      scope: "shop",
    });
    expect(
      fake.state.get(
        { group: "rbac.authorization.k8s.io", resource: "rolebindings", namespace: "shop" },
        `elevate-${orphan}`,
      ),
    ).toBeDefined();
    // Another org's grant on the same cluster is not this org's drift.
    const theirs = randomUUID();
    await adapter.bind(row, {
      grantId: theirs,
      orgId: randomUUID(),
      roleName: spec.roleName,
      principal: "y@example.com",
      notAfter: new Date(Date.now() + 600_000),
      scope: "shop",
    });
    expect(await removeDrift(h.db, org.org.id)).toMatchObject({ removed: 1, failed: 0 });
    expect(
      fake.state.get(
        { group: "rbac.authorization.k8s.io", resource: "rolebindings", namespace: "shop" },
        `elevate-${theirs}`,
      ),
    ).toBeDefined();
    expect(
      fake.state.get(
        { group: "rbac.authorization.k8s.io", resource: "rolebindings", namespace: "shop" },
        `elevate-${orphan}`,
      ),
    ).toBeUndefined();
    expect(
      fake.state.get(
        { group: "", resource: "serviceaccounts", namespace: "elevate-grants" },
        `elevate-${orphan}`,
      ),
    ).toBeUndefined();
  });
});
