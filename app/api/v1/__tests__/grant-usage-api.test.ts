import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { activeGrantFor } from "@/lib/testing/active-grant";
import { apiTokenFor, callApi, setupApiDatabase } from "@/lib/testing/api";
import { createTestOrg } from "@/lib/testing/db";
import { insertUsageEvents } from "@/lib/testing/usage-events";
import { GET as grantUsage } from "../grants/[id]/usage/route";

const apiDb = setupApiDatabase();
let db: Db;
beforeAll(() => {
  db = apiDb();
});

describe("GET /api/v1/grants/{id}/usage", () => {
  it("answers used versus granted to whoever may read the grant, 404 to anyone else", async () => {
    const org = await createTestOrg(db);
    const { grantId } = await activeGrantFor(db, org, "requester", {
      targetId: org.targets.aws.id,
      templateId: org.template("vm.ssh").id,
      resource: "i-0abc1234",
    });
    await insertUsageEvents(db, org.org.id, [{ grantId, permission: "ssm:StartSession", times: 2 }]);
    const params = { id: grantId };
    for (const who of ["requester", "auditor", "admin"] as const) {
      const res = await callApi(grantUsage, "GET", `/grants/${grantId}/usage`, {
        token: await apiTokenFor(db, org, who),
        params,
      });
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ grantId, grantedCount: 4, usedCount: 1, allowedCalls: 2 });
    }
    const stranger = await callApi(grantUsage, "GET", `/grants/${grantId}/usage`, {
      token: await apiTokenFor(db, org, "approver2"),
      params,
    });
    expect(stranger).toMatchObject({ status: 404, json: { error: { code: "not_found" } } });
    const other = await createTestOrg(db);
    const cross = await callApi(grantUsage, "GET", `/grants/${grantId}/usage`, {
      token: await apiTokenFor(db, other, "admin"),
      params,
    });
    expect(cross.status).toBe(404);
    expect((await callApi(grantUsage, "GET", "/grants/1/usage", { params: { id: "1" } })).status).toBe(401);
  });
});
