import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import type { SeededOrg } from "@/db/seed/org";
import { apiTokenFor, callApi, type Handler, setupApiDatabase } from "@/lib/testing/api";
import { createTestOrg } from "@/lib/testing/db";
import { GET as drift } from "../[id]/drift/route";
import { GET as getOne, PATCH as update } from "../[id]/route";
import { POST as testConnection } from "../[id]/test/route";
import { POST as connect } from "../route";

const apiDb = setupApiDatabase();
let db: Db;
beforeAll(() => {
  db = apiDb();
});

const call = (handler: Handler, method: string, token: string, body?: unknown, id?: string) =>
  callApi(handler, method, `/targets${id ? `/${id}` : ""}`, { token, body, params: id ? { id } : {} });

const tokenFor = (org: SeededOrg, who: keyof SeededOrg["users"]) => apiTokenFor(db, org, who);

const body = (settings: Record<string, unknown>) => ({
  name: "prod-aws",
  cloud: "aws",
  adapter: "aws",
  externalId: "123456789012",
  settings,
});
const CREDS = { type: "env", accessKeyIdVar: "ACME_KEY_ID", secretAccessKeyVar: "ACME_SECRET" };

describe("/api/v1/targets", () => {
  it("connects (201), reads back references only, updates, tests and lists drift", async () => {
    const org = await createTestOrg(db);
    const admin = await tokenFor(org, "admin");
    const made = await call(connect, "POST", admin, body({ credentials: CREDS }));
    expect(made.status).toBe(201);
    expect(made.json.settings.credentials).toEqual(CREDS);
    const id = made.json.id as string;

    const got = await call(getOne, "GET", admin, undefined, id);
    expect(got).toMatchObject({ status: 200, json: { id, name: "prod-aws" } });
    const renamed = await call(update, "PATCH", admin, { name: "prod-aws-eu" }, id);
    expect(renamed).toMatchObject({ status: 200, json: { name: "prod-aws-eu" } });

    // What the document marks required, the handler requires: settings on connect, something to change on PATCH.
    const { settings: _omit, ...noSettings } = body({});
    expect(await call(connect, "POST", admin, noSettings)).toMatchObject({
      status: 400,
      json: { error: { code: "validation", field: "settings" } },
    });
    for (const empty of [undefined, {}]) {
      expect(await call(update, "PATCH", admin, empty, id)).toMatchObject({
        status: 400,
        json: { error: { code: "validation", field: "body" } },
      });
    }

    // The sandbox answers without credentials.
    const tested = await call(testConnection, "POST", admin, undefined, org.targets.aws.id);
    expect(tested).toMatchObject({ status: 200, json: { ok: true } });
    // The referenced variables are not set: a clear 200 answer with ok false, never a 500.
    const missing = await call(testConnection, "POST", admin, undefined, id);
    expect(missing).toMatchObject({
      status: 200,
      json: { ok: false, message: expect.stringContaining("environment variable ACME_KEY_ID is not set") },
    });
    expect(await call(drift, "GET", admin, undefined, id)).toEqual({ status: 200, json: { items: [] } });
  });

  it("answers 400 naming the field for an inline secret or a bad id, 409 on a duplicate name", async () => {
    const org = await createTestOrg(db);
    const admin = await tokenFor(org, "admin");
    const inline = await call(
      connect,
      "POST",
      admin,
      body({ credentials: { ...CREDS, secretAccessKey: "x" } }),
    );
    expect(inline).toMatchObject({
      status: 400,
      json: { error: { code: "validation", field: "settings.credentials.secretAccessKey" } },
    });
    const badId = await call(connect, "POST", admin, { ...body({ credentials: CREDS }), externalId: "42" });
    expect(badId).toMatchObject({ status: 400, json: { error: { field: "externalId" } } });
    expect((await call(connect, "POST", admin, body({ credentials: CREDS }))).status).toBe(201);
    expect((await call(connect, "POST", admin, body({ credentials: CREDS }))).status).toBe(409);
  });

  it("403 without targets.manage; 404 for another organization's target", async () => {
    const org = await createTestOrg(db);
    const requester = await tokenFor(org, "requester");
    expect((await call(connect, "POST", requester, body({ credentials: CREDS }))).status).toBe(403);
    expect((await call(testConnection, "POST", requester, undefined, org.targets.aws.id)).status).toBe(403);
    const other = await createTestOrg(db);
    const otherAdmin = await tokenFor(other, "admin");
    for (const [h, m] of [
      [getOne, "GET"],
      [testConnection, "POST"],
      [drift, "GET"],
    ] as const) {
      expect((await call(h, m, otherAdmin, undefined, org.targets.aws.id)).status).toBe(404);
    }
    expect((await call(update, "PATCH", otherAdmin, { name: "x" }, org.targets.aws.id)).status).toBe(404);
  });
});
