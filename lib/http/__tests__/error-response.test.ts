import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { uiRoute } from "@/app/api/ui/_lib/ui-route";
import type { Ctx } from "@/lib/ctx";
import { runAction } from "@/lib/http/authed-action";
import { errorResponse, mapError } from "@/lib/http/error-response";
import { ERROR_CASES, REFERENCE, UNEXPECTED } from "./error-cases";

// The UI route reads the session; any signed-in person will do, the route's function throws first.
const ctx = { actor: { type: "user", userId: "u-1" }, orgId: "o-1" } as unknown as Ctx;
vi.mock("@/lib/auth/session", () => ({ getSessionCtx: async () => ctx }));

const throwing = (err: unknown) => async (): Promise<never> => {
  throw err;
};

describe("mapError (the one mapper)", () => {
  it.each(ERROR_CASES)("maps $name", ({ make, status, error, retryAfter }) => {
    const mapped = mapError(make(), { what: "test" });
    expect(mapped.status).toBe(status);
    expect(mapped.error).toMatchObject(error);
    expect(mapped.headers["retry-after"] ?? null).toBe(retryAfter);
  });

  it("answers an unexpected error with a reference id only", () => {
    const mapped = mapError(UNEXPECTED(), {
      what: "test",
      requestId: "0b7c8a52-3d0e-4f8a-9c51-0a1b2c3d4e5f",
    });
    expect(mapped).toEqual({
      status: 500,
      error: {
        code: "internal",
        message: "Something went wrong (reference 0b7c8a52-3d0e-4f8a-9c51-0a1b2c3d4e5f)",
        requestId: "0b7c8a52-3d0e-4f8a-9c51-0a1b2c3d4e5f",
      },
      headers: {},
    });
  });

  it("as a Response: the shared JSON shape, Retry-After instead of a body field", async () => {
    const res = errorResponse(ERROR_CASES[2].make(), { what: "test" });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("7");
    expect(await res.json()).toEqual({ error: ERROR_CASES[2].error });
  });
});

describe("server actions answer through the mapper", () => {
  it.each(ERROR_CASES)("$name", async ({ make, error }) => {
    const r = await runAction(async () => ctx, z.object({}), throwing(make()), {});
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toEqual({
      ...error,
      ...(error.code === "rate_limited" ? { retryAfterSeconds: 7 } : {}),
    });
  });

  it("an unexpected error", async () => {
    const r = await runAction(async () => ctx, z.object({}), throwing(UNEXPECTED()), {});
    if (r.ok) throw new Error("expected a failure");
    expect(r.error.code).toBe("internal");
    expect(r.error.message).toMatch(REFERENCE);
    expect(r.error.message).toContain(r.error.requestId);
  });
});

describe("UI routes answer through the mapper", () => {
  const get = (err: unknown) =>
    uiRoute(throwing(err))(new Request("http://localhost/api/ui/x"), { params: Promise.resolve({}) });

  it.each(ERROR_CASES)("$name", async ({ make, status, error, retryAfter }) => {
    const res = await get(make());
    expect(res.status).toBe(status);
    expect(res.headers.get("retry-after")).toBe(retryAfter);
    expect(await res.json()).toEqual({ error });
  });

  it("an unexpected error", async () => {
    const res = await get(UNEXPECTED());
    expect(res.status).toBe(500);
    const body = await res.json();
    expect(body.error.message).toMatch(REFERENCE);
    expect(JSON.stringify(body)).not.toContain("secret");
  });
});
