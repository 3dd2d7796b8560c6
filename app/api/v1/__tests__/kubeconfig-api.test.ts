import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { activeGrantFor } from "@/lib/testing/active-grant";
import { apiTokenFor, callApi, setupApiDatabase } from "@/lib/testing/api";
import { createTestOrg } from "@/lib/testing/db";
import { POST as kubeconfig } from "../grants/[id]/kubeconfig/route";

const apiDb = setupApiDatabase();
let db: Db;
beforeAll(() => {
  db = apiDb();
});

describe("POST /grants/{id}/kubeconfig", () => {
  it("gives the grant's own person a kubeconfig for the embedded cluster; anyone else 404; GET 405", async () => {
    const org = await createTestOrg(db);
    const { grantId } = await activeGrantFor(db, org, "requester", {
      targetId: org.targets.kubernetes.id,
      templateId: org.template("k8s.pods.read").id,
      resource: "shop",
    });
    const mine = await callApi(kubeconfig, "POST", `/grants/${grantId}/kubeconfig`, {
      token: await apiTokenFor(db, org, "requester"),
      params: { id: grantId },
    });
    expect(mine.status).toBe(200);
    expect(mine.json.filename).toBe(`elevate-${grantId.slice(0, 8)}.kubeconfig`);
    const config = JSON.parse(mine.json.content);
    expect(config.contexts[0].context).toMatchObject({ cluster: "prod-eu", namespace: "shop" });
    expect(config.users[0].user.token).toMatch(/^sandbox-/);

    const admin = await callApi(kubeconfig, "POST", `/grants/${grantId}/kubeconfig`, {
      token: await apiTokenFor(db, org, "admin"),
      params: { id: grantId },
    });
    expect(admin.status).toBe(404);
    const other = await createTestOrg(db);
    const foreign = await callApi(kubeconfig, "POST", `/grants/${grantId}/kubeconfig`, {
      token: await apiTokenFor(db, other, "requester"),
      params: { id: grantId },
    });
    expect(foreign.status).toBe(404);
    const bad = await callApi(kubeconfig, "POST", "/grants/nope/kubeconfig", {
      token: await apiTokenFor(db, org, "requester"),
      params: { id: "nope" },
    });
    // A malformed id names nothing the caller may see: 404, as for every other route.
    expect(bad.status).toBe(404);
  });

  it("refuses a grant on another cloud, naming the field", async () => {
    const org = await createTestOrg(db);
    const { grantId } = await activeGrantFor(db, org, "requester", {
      targetId: org.targets.aws.id,
      templateId: org.template("vm.ssh").id,
      resource: "i-0abc1234",
    });
    const res = await callApi(kubeconfig, "POST", `/grants/${grantId}/kubeconfig`, {
      token: await apiTokenFor(db, org, "requester"),
      params: { id: grantId },
    });
    expect(res).toMatchObject({ status: 400, json: { error: { code: "validation" } } });
  });
});
