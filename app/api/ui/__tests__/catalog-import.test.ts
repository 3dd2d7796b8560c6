import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import type { Ctx } from "@/lib/ctx";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { POST as importRoute } from "../catalog/import/route";

const session = vi.hoisted(() => ({ ctx: null as unknown }));
vi.mock("@/lib/auth/session", () => ({ getSessionCtx: async () => session.ctx }));

let h: DbHandle;
let admin: Ctx;
let requester: Ctx;
beforeAll(async () => {
  h = await openTestDb();
  const org = await createTestOrg(h.db);
  admin = await userCtx(h.db, org.users.admin);
  requester = await userCtx(h.db, org.users.requester);
});
afterAll(async () => h?.close());

const EXPORT = JSON.stringify([
  {
    name: "roles/test.viewer",
    title: "Viewer",
    includedPermissions: ["test.things.get", "test.things.list"],
  },
]);

function post(body: BodyInit, headers: Record<string, string> = {}) {
  return new Request("http://localhost:3000/api/ui/catalog/import?format=gcloud-roles-list", {
    method: "POST",
    headers: { origin: "http://localhost:3000", host: "localhost:3000", ...headers },
    body,
  });
}

describe("catalog import route (large exports, outside the server-action body limit)", () => {
  it("refuses a cross-origin post and a post without a session before reading the body", async () => {
    session.ctx = admin;
    expect((await importRoute(post(EXPORT, { origin: "https://evil.example" }))).status).toBe(403);
    session.ctx = null;
    expect((await importRoute(post(EXPORT))).status).toBe(401);
    session.ctx = requester;
    expect((await importRoute(post(EXPORT))).status).toBe(403);
  });

  it("refuses a body over its own limit, declared or sent", async () => {
    session.ctx = admin;
    const res = await importRoute(post("[]", { "content-length": String(65 * 1024 * 1024) }));
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({ code: "validation", field: "content" });
  });

  it("imports an export larger than a server action takes", async () => {
    session.ctx = admin;
    const padded = EXPORT.replace("[", `[${" ".repeat(2 * 1024 * 1024)}`);
    const res = await importRoute(post(padded));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ cloud: "gcp", format: "gcloud-roles-list", added: 2 });
  });
});
