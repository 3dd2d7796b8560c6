import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import type { SeededOrg } from "@/db/seed/org";
import { gcpCatalog } from "@/lib/catalog/__tests__/sync-fixtures";
import { type FakeGcp, startFakeGcp } from "@/lib/clouds/fakes/gcp";
import { resetEnv } from "@/lib/env";
import { connectTarget } from "@/lib/targets";
import { apiTokenFor, callApi, setupApiDatabase } from "@/lib/testing/api";
import { createTestOrg } from "@/lib/testing/db";
import { systemCtx } from "@/lib/workflows/system-ctx";
import { POST as sync } from "../[id]/catalog-sync/route";

let gcp: FakeGcp;
const TOKEN_VAR = "ELEVATE_TEST_CATALOG_SYNC_API_TOKEN";

const apiDb = setupApiDatabase();
let db: Db;
beforeAll(async () => {
  db = apiDb();
  process.env[TOKEN_VAR] = "ya29.fake-token";
  resetEnv();
  gcp = await startFakeGcp();
  const { roles, testable } = gcpCatalog();
  gcp.state.predefinedRoles = roles;
  gcp.state.testablePermissions = testable;
});

afterAll(async () => {
  delete process.env[TOKEN_VAR];
  await gcp?.stop();
});

const post = (token: string, id: string) =>
  callApi(sync, "POST", `/targets/${id}/catalog-sync`, { token, params: { id } });

const tokenFor = (org: SeededOrg, who: keyof SeededOrg["users"]) => apiTokenFor(db, org, who);

describe("POST /api/v1/targets/{id}/catalog-sync", () => {
  it("syncs a GCP target; refuses sandbox (400), requesters (403) and other orgs (404)", async () => {
    const org = await createTestOrg(db);
    const target = await connectTarget({
      ctx: systemCtx(db, org.org.id, "test"),
      input: {
        name: "gcp-fake",
        cloud: "gcp",
        adapter: "gcp",
        externalId: "acme-sync-api",
        settings: { endpoint: gcp.url, credentials: { type: "env-json", var: TOKEN_VAR } },
      },
    });
    const admin = await tokenFor(org, "admin");
    const ok = await post(admin, target.id);
    expect(ok.status).toBe(200);
    expect(ok.json.versions.map((v: { format: string }) => v.format)).toEqual([
      "gcloud-roles-list",
      "gcp-testable-permissions",
    ]);

    const sandbox = await post(admin, org.targets.gcp.id);
    expect(sandbox).toMatchObject({
      status: 400,
      json: {
        error: { code: "validation", message: "targetId: no catalog sync for this adapter (sandbox)" },
      },
    });
    expect((await post(await tokenFor(org, "requester"), target.id)).status).toBe(403);
    const other = await createTestOrg(db);
    expect((await post(await tokenFor(other, "admin"), target.id)).status).toBe(404);
  });
});
