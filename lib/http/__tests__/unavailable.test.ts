import { describe, expect, it } from "vitest";
import { AppError, Conflict } from "@/lib/errors";
import { expectedError, isDatabaseUnavailable } from "@/lib/http/unavailable";

const coded = (code: string, message = `write ${code} 127.0.0.1:5432`) =>
  Object.assign(new Error(message), { code });
const wrapped = (cause: unknown) => new Error("Failed query: select 1\nparams: ", { cause });

describe("isDatabaseUnavailable", () => {
  it.each([
    "ECONNREFUSED",
    "ECONNRESET",
    "CONNECTION_CLOSED",
    "CONNECTION_ENDED",
    "CONNECTION_DESTROYED",
    "CONNECT_TIMEOUT",
    "57P01",
    "08006",
  ])("recognises %s, bare or wrapped by drizzle", (code) => {
    expect(isDatabaseUnavailable(coded(code))).toBe(true);
    expect(isDatabaseUnavailable(wrapped(coded(code)))).toBe(true);
  });

  it("recognises PGlite's closed handle and a terminated connection", () => {
    expect(isDatabaseUnavailable(wrapped(new Error("PGlite is closed")))).toBe(true);
    expect(isDatabaseUnavailable(new Error("Connection terminated unexpectedly"))).toBe(true);
  });

  it("leaves query errors, bugs and expected errors alone", () => {
    expect(isDatabaseUnavailable(wrapped(coded("23505", "duplicate key value")))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError("x is undefined"))).toBe(false);
    expect(isDatabaseUnavailable("ECONNREFUSED")).toBe(false);
    expect(expectedError(new Error("boom"))).toBeNull();
    const conflict = Conflict("taken");
    expect(expectedError(conflict)).toBe(conflict);
  });

  it("maps a lost connection to unavailable (503) without its detail", () => {
    const err = expectedError(wrapped(coded("ECONNREFUSED")));
    expect(err).toBeInstanceOf(AppError);
    expect(err?.status).toBe(503);
    expect(err?.code).toBe("unavailable");
    expect(err?.message).not.toMatch(/ECONN|127\.0\.0\.1|select/);
  });
});
