import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, type Db, getDb } from "@/db/client";
import type { SeededOrg } from "@/db/seed/org";
import { gcpCatalog } from "@/lib/catalog/__tests__/sync-fixtures";
import { type FakeGcp, startFakeGcp } from "@/lib/clouds/fakes/gcp";
import { resetEnv } from "@/lib/env";
import { connectTarget } from "@/lib/targets";
import { createTestOrg } from "@/lib/testing/db";
import { createApiToken } from "@/lib/tokens";
import { getWorkflowDriver, type InlineDriver } from "@/lib/workflows";
import { systemCtx } from "@/lib/workflows/system-ctx";
import { POST as sync } from "../[id]/catalog-sync/route";

let dataDir: string | undefined;
let db: Db;
let gcp: FakeGcp;
const TOKEN_VAR = "ELEVATE_TEST_CATALOG_SYNC_API_TOKEN";

beforeAll(async () => {
  await closeDb();
  if (!process.env.DATABASE_URL) {
    dataDir = mkdtempSync(path.join(tmpdir(), "elevate-catalog-sync-api-"));
    process.env.ELEVATE_DATA_DIR = dataDir;
  }
  process.env.ELEVATE_RECONCILER = "off";
  process.env[TOKEN_VAR] = "ya29.fake-token";
  resetEnv();
  [db, gcp] = await Promise.all([getDb(), startFakeGcp()]);
  const { roles, testable } = gcpCatalog();
  gcp.state.predefinedRoles = roles;
  gcp.state.testablePermissions = testable;
});

afterAll(async () => {
  delete process.env[TOKEN_VAR];
  await ((await getWorkflowDriver()) as InlineDriver).stop();
  await Promise.all([closeDb(), gcp?.stop()]);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function post(token: string, id: string) {
  const req = new Request(`http://localhost/api/v1/targets/${id}/catalog-sync`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
  });
  const res = await sync(req, { params: Promise.resolve({ id }) });
  return { status: res.status, json: await res.json() };
}

async function tokenFor(org: SeededOrg, who: keyof SeededOrg["users"]) {
  const made = await createApiToken({
    ctx: systemCtx(db, org.org.id, "test"),
    input: { name: `${who}-api`, userId: org.users[who].id },
  });
  return made.token;
}

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
