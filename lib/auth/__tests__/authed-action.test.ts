import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { DbHandle } from "@/db/client";
import { loadUserActor } from "@/lib/auth/actor";
import { type Ctx, requirePerson } from "@/lib/ctx";
import { Conflict } from "@/lib/errors";
import { formDataToObject, runAction } from "@/lib/http/authed-action";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { recordingDriver } from "@/lib/workflows/port";

let h: DbHandle;
let ctx: Ctx;
beforeAll(async () => {
  h = await openTestDb();
  const org = await createTestOrg(h.db);
  const loaded = await loadUserActor(h.db, org.users.requester.id);
  ctx = { actor: loaded!.actor, orgId: loaded!.orgId, db: h.db, workflows: recordingDriver() };
});
afterAll(async () => h?.close());

const Input = z.object({ name: z.string().min(2), count: z.coerce.number().int().positive() });
const session = async () => ctx;
const echo = async (c: Ctx, input: z.output<typeof Input>) => ({ by: requirePerson(c).userId, ...input });

describe("authedAction's core (runAction)", () => {
  it("passes the session's ctx and the parsed input to fn and wraps the result", async () => {
    const r = await runAction(session, Input, echo, { name: "db", count: "3" });
    expect(r).toEqual({ ok: true, data: { by: requirePerson(ctx).userId, name: "db", count: 3 } });
  });

  it("accepts FormData (a repeated field becomes an array)", async () => {
    const form = new FormData();
    form.append("name", "db");
    form.append("count", "2");
    expect(await runAction(session, Input, echo, form)).toMatchObject({ ok: true, data: { count: 2 } });
    form.append("tag", "a");
    form.append("tag", "b");
    expect(formDataToObject(form)).toEqual({ name: "db", count: "2", tag: ["a", "b"] });
  });

  it("without a session answers unauthorized and never calls fn", async () => {
    let called = false;
    const r = await runAction(
      async () => null,
      Input,
      async () => (called = true),
      { name: "db", count: 1 },
    );
    expect(r).toEqual({ ok: false, error: { code: "unauthorized", message: expect.any(String) } });
    expect(called).toBe(false);
  });

  it("maps invalid input to a validation error naming the field", async () => {
    const r = await runAction(session, Input, echo, { name: "db", count: -1 });
    expect(r).toMatchObject({ ok: false, error: { code: "validation", field: "count" } });
  });

  it("maps an AppError to its code and message", async () => {
    const r = await runAction(
      session,
      Input,
      async () => {
        throw Conflict("Request is already decided");
      },
      { name: "db", count: 1 },
    );
    expect(r).toEqual({ ok: false, error: { code: "conflict", message: "Request is already decided" } });
  });

  it("hides an unexpected error behind a generic message with a reference id", async () => {
    const r = await runAction(
      session,
      Input,
      async () => {
        throw new Error("connection string postgres://secret@db");
      },
      { name: "db", count: 1 },
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe("internal");
    expect(r.error.message).toMatch(/^Something went wrong \(reference [0-9a-f-]{36}\)$/);
    expect(r.error.message).not.toContain("secret");
  });
});
