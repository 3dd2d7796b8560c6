import { readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import type { SeededOrg } from "@/db/seed/org";
import type { Ctx } from "@/lib/ctx";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { POST as uploadRoute } from "../usage/import/route";

const session = vi.hoisted(() => ({ ctx: null as unknown }));
vi.mock("@/lib/auth/session", () => ({ getSessionCtx: async () => session.ctx }));

let h: DbHandle;
let org: SeededOrg;
let admin: Ctx;
let requester: Ctx;
beforeAll(async () => {
  h = await openTestDb();
  org = await createTestOrg(h.db);
  admin = await userCtx(h.db, org.users.admin);
  requester = await userCtx(h.db, org.users.requester);
});
afterAll(async () => h?.close());

const FILE = readFileSync(
  path.join(
    __dirname,
    "../../../../lib/usage/__fixtures__/stratus/aws.credential-access.secretsmanager-retrieve-secrets.json",
  ),
);

function post(body: BodyInit, query = "name=s.json.gz", headers: Record<string, string> = {}) {
  return new Request(`http://localhost:3000/api/ui/usage/import?${query}`, {
    method: "POST",
    headers: { origin: "http://localhost:3000", host: "localhost:3000", ...headers },
    body,
  });
}

describe("usage upload route", () => {
  it("refuses a cross-origin post, no session, and a person without targets.manage", async () => {
    session.ctx = admin;
    expect((await uploadRoute(post(FILE, "", { origin: "https://evil.example" }))).status).toBe(403);
    session.ctx = null;
    expect((await uploadRoute(post(FILE))).status).toBe(401);
    session.ctx = requester;
    expect((await uploadRoute(post(FILE))).status).toBe(403);
  });

  it("refuses a body declared over its limit before reading it", async () => {
    session.ctx = admin;
    const res = await uploadRoute(post("[]", "", { "content-length": String(600 * 1024 * 1024) }));
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({ code: "validation", field: "content" });
  });

  it("streams a gzip upload into the import and answers its summary", async () => {
    session.ctx = admin;
    const res = await uploadRoute(post(gzipSync(FILE), "name=s.json.gz&target=aws-sandbox-prod"));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      records: 21,
      parsed: 21,
      mapped: 21,
      duplicates: 0,
      malformed: 0,
      unmappable: 0,
    });
    expect(typeof body.seconds).toBe("number");
    const again = await (await uploadRoute(post(gzipSync(FILE)))).json();
    expect(again).toMatchObject({ records: 21, duplicates: 21 });
  });
});
