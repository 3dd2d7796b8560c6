import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { closeDb, type DbHandle, getDbHandle } from "@/db/client";
import type { Ctx } from "@/lib/ctx";
import { runAction } from "@/lib/http/authed-action";
import { RETRY_AFTER_SECONDS } from "@/lib/http/unavailable";
import { apiTokenFor, callApi, setupApiDatabase } from "@/lib/testing/api";
import { userCtx } from "@/lib/testing/ctx";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { GET as inbox } from "../ui/inbox/route";
import { GET as listRequests } from "../v1/requests/route";

// UI routes resolve the session through cookies(); here the test decides what it resolves to.
const session = vi.hoisted(() => ({ resolve: async (): Promise<unknown> => null }));
vi.mock("@/lib/auth/session", () => ({ getSessionCtx: () => session.resolve() }));

const apiDb = setupApiDatabase();

/** A ctx on a real handle whose connection is gone: PGlite closed, or postgres.js ended (CONNECTION_ENDED). */
async function lostConnection(): Promise<Ctx> {
  const h: DbHandle = await openTestDb();
  const org = await createTestOrg(h.db);
  const ctx = await userCtx(h.db, org.users.approver);
  await h.close();
  return ctx;
}

function expectUnavailable(res: Response, json: unknown) {
  expect(res.status).toBe(503);
  expect(res.headers.get("retry-after")).toBe(String(RETRY_AFTER_SECONDS));
  expect(json).toEqual({ error: { code: "unavailable", message: expect.any(String) } });
  const text = JSON.stringify(json);
  // No driver detail: no error code, host, port, query or driver name.
  expect(text).not.toMatch(/CONNECTION_|ECONN|PGlite|select|127\.0\.0\.1|postgres|closed|query/i);
}

describe("a lost database connection answers 503 unavailable with Retry-After", () => {
  let ctx: Ctx;
  beforeAll(async () => {
    ctx = await lostConnection();
  });

  it("a public API route handler (its token lookup finds the connection gone)", async () => {
    const org = await createTestOrg(apiDb());
    const token = await apiTokenFor(apiDb(), org, "requester");
    expect((await callApi(listRequests, "GET", "/requests", { token })).status).toBe(200);
    const handle = await getDbHandle();
    await handle.close(); // the process database's connection is gone; the handle stays in place
    try {
      const req = new Request("http://localhost/api/v1/requests", {
        headers: { authorization: `Bearer ${token}` },
      });
      const res = await listRequests(req, { params: Promise.resolve({}) });
      expectUnavailable(res, await res.json());
    } finally {
      await closeDb().catch(() => {}); // forget the closed handle, so teardown has nothing to close
    }
  });

  it("a UI read route, when the verb's queries find the connection gone", async () => {
    session.resolve = async () => ctx;
    const res = await inbox(new Request("http://localhost/api/ui/inbox"), { params: Promise.resolve({}) });
    expectUnavailable(res, await res.json());
  });

  it("a UI read route, when the session lookup itself finds the connection gone", async () => {
    session.resolve = async () => {
      const cause = Object.assign(new Error("write CONNECTION_ENDED 10.0.0.5:5432"), {
        code: "CONNECTION_ENDED",
      });
      throw new Error("Failed query: select … from sessions\nparams: secret-token", { cause });
    };
    const res = await inbox(new Request("http://localhost/api/ui/inbox"), { params: Promise.resolve({}) });
    const json = await res.json();
    expectUnavailable(res, json); // the driver's code, through drizzle's wrapping
    expect(JSON.stringify(json)).not.toMatch(/secret-token|10\.0\.0\.5/);
  });

  it("a server action answers unavailable (no detail) instead of internal", async () => {
    const r = await runAction(
      async () => ctx,
      z.object({}),
      async (c) => c.db.query.users.findMany(),
      {},
    );
    expect(r).toEqual({ ok: false, error: { code: "unavailable", message: expect.any(String) } });
  });
});

afterAll(() => {
  session.resolve = async () => null;
});
