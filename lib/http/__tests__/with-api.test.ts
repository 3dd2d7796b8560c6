import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { closeDb, type Db, getDb } from "@/db/client";
import { resetEnv } from "@/lib/env";
import { Conflict } from "@/lib/errors";
import { createTestOrg } from "@/lib/testing/db";
import { createApiToken } from "@/lib/tokens";
import { getWorkflowDriver, type InlineDriver } from "@/lib/workflows";
import { systemCtx } from "@/lib/workflows/system-ctx";
import { IdParams } from "../api-schemas";
import { withApi } from "../with-api";
import { ERROR_CASES, REFERENCE } from "./error-cases";

let dataDir: string | undefined;
let db: Db;
let token: string;

beforeAll(async () => {
  await closeDb();
  if (!process.env.DATABASE_URL) {
    dataDir = mkdtempSync(path.join(tmpdir(), "elevate-withapi-"));
    process.env.ELEVATE_DATA_DIR = dataDir;
  }
  process.env.ELEVATE_RECONCILER = "off";
  resetEnv();
  db = await getDb();
  const org = await createTestOrg(db);
  token = (
    await createApiToken({
      ctx: systemCtx(db, org.org.id, "test"),
      input: { name: "t", userId: org.users.requester.id },
    })
  ).token;
});

afterAll(async () => {
  await ((await getWorkflowDriver()) as InlineDriver).stop();
  await closeDb();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const req = (url: string, init: RequestInit = {}) =>
  new Request(`http://localhost${url}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) },
  });

describe("withApi", () => {
  it("hides unexpected errors behind a request id", async () => {
    const handler = withApi({}, async () => {
      throw new Error("connection string postgres://user:secret@db");
    });
    const res = await handler(req("/x"));
    expect(res.status).toBe(500);
    const body = await res.json();
    expect(body.error.code).toBe("internal");
    expect(body.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.error.message).toMatch(REFERENCE);
    expect(JSON.stringify(body)).not.toContain("secret");
  });

  it.each(ERROR_CASES)(
    "answers $name through the one mapper",
    async ({ make, status, error, retryAfter }) => {
      const res = await withApi({}, async () => {
        throw make();
      })(req("/x"));
      expect(res.status).toBe(status);
      expect(res.headers.get("retry-after")).toBe(retryAfter);
      expect(await res.json()).toEqual({ error });
    },
  );

  it("maps AppErrors to their status, checks permission, and passes the actor through", async () => {
    const conflict = withApi({}, async () => {
      throw Conflict("already done");
    });
    expect(await (await conflict(req("/x"))).json()).toEqual({
      error: { code: "conflict", message: "already done" },
    });
    expect((await conflict(req("/x"))).status).toBe(409);
    const admin = withApi({ permission: "users.manage" }, async () => "never");
    expect((await admin(req("/x"))).status).toBe(403);
    const whoami = withApi({}, async ({ ctx }) => ({ type: ctx.actor.type }));
    expect(await (await whoami(req("/x"))).json()).toEqual({ type: "token" });
  });

  it("parses params (404 when invalid), query and body (400 naming the field)", async () => {
    const handler = withApi(
      {
        params: IdParams,
        query: z.object({ n: z.coerce.number().int().min(1) }),
        body: z.object({ s: z.string() }),
      },
      async ({ params, query, body }) => ({ id: params.id, n: query.n, s: body.s }),
    );
    const id = "0b0e9d0c-5f4c-4f1e-9a53-2f1d2b3c4d5e";
    const route = (p: string) => ({ params: Promise.resolve({ id: p }) });
    const json = { "content-type": "application/json" };
    const post = (url: string, body: string, p = id) =>
      handler(req(url, { method: "POST", body, headers: json }), route(p));
    expect(await (await post("/x?n=2", '{"s":"a"}')).json()).toEqual({ id, n: 2, s: "a" });
    expect((await post("/x?n=2", '{"s":"a"}', "nope")).status).toBe(404);
    expect((await (await post("/x?n=0", '{"s":"a"}')).json()).error.field).toBe("n");
    expect((await (await post("/x?n=1", '{"s":1}')).json()).error.field).toBe("s");
    expect((await (await post("/x?n=1", "[")).json()).error).toMatchObject({
      field: "body",
      code: "validation",
    });
    const big = await post("/x?n=1", JSON.stringify({ s: "x".repeat(70_000) }));
    expect(big.status).toBe(400);
    expect((await big.json()).error.field).toBe("body");
  });

  it("answers a body that is not JSON with 415 in the error shape", async () => {
    const handler = withApi({ body: z.object({ s: z.string() }) }, async ({ body }) => body);
    const send = (body: string, headers: Record<string, string> = {}) =>
      handler(req("/x", { method: "POST", body, headers }));
    for (const res of [
      await send('{"s":"a"}'), // fetch's default text/plain
      await send("s=a", { "content-type": "application/x-www-form-urlencoded" }),
      await send('{"s":"a"}', { "content-type": "text/json" }),
    ]) {
      expect(res.status).toBe(415);
      expect(await res.json()).toMatchObject({ error: { code: "unsupported_media_type" } });
    }
    const ok = await send('{"s":"a"}', { "content-type": "application/json; charset=utf-8" });
    expect(await ok.json()).toEqual({ s: "a" });
    expect((await send('{"s":"a"}', { "content-type": "application/merge-patch+json" })).status).toBe(200);
  });
});
