import { describe, expect, it } from "vitest";
import { createLogger, isSecretKey } from "./log";

/** A logger writing to memory; `text()` is everything it wrote, `last()` the last line parsed. */
function capture() {
  const lines: string[] = [];
  const log = createLogger({ level: "trace", destination: { write: (s: string) => lines.push(s) } });
  return {
    log,
    text: () => lines.join(""),
    last: () => JSON.parse(lines.at(-1) ?? "null") as Record<string, unknown>,
  };
}

const SECRET = "s3cr3t-value-that-must-not-appear";

/** A failed query as drizzle reports it (DrizzleQueryError), wrapping the driver's error. */
function drizzleQueryError(params: unknown[]) {
  const cause = Object.assign(new Error("relation does not exist"), {
    code: "42P01",
    query: "select 1 from t where a = $1",
    parameters: params,
    args: params,
    detail: `Key (a)=(${String(params[0])}) already exists`,
  });
  const err = new Error(`Failed query: select 1 from t where a = $1\nparams: ${params.join(",")}`, { cause });
  return Object.assign(err, { query: "select 1 from t where a = $1", params });
}

describe("logger redaction", () => {
  it.each([
    "authorization",
    "Authorization",
    "cookie",
    "set-cookie",
    "Set-Cookie",
    "setCookie",
    "password",
    "secret",
    "token",
    "sessionToken",
    "access_token",
    "clientSecret",
    "NEXTAUTH_SECRET",
    "parameters",
  ])("redacts %s at the top level and at any depth", (key) => {
    const c = capture();
    c.log.info({ [key]: SECRET }, "top");
    c.log.info({ a: { b: { c: { d: [{ e: { [key]: SECRET } }] } } } }, "deep");
    c.log.info({ headers: { [key]: [SECRET, SECRET] } }, "array value");
    expect(c.text()).not.toContain(SECRET);
    expect(c.text()).toContain("[Redacted]");
  });

  it("keeps what is not secret (ids, counts, names of variables)", () => {
    const c = capture();
    c.log.info({ grantId: "g-1", tokenId: "t-1", tokens: 3, sessionTokenVar: "AWS_SESSION_TOKEN" }, "ok");
    expect(c.last()).toMatchObject({
      grantId: "g-1",
      tokenId: "t-1",
      tokens: 3,
      sessionTokenVar: "AWS_SESSION_TOKEN",
      msg: "ok",
    });
  });

  it("strips a failed query's values from errors however they are logged, keeping the SQL and the cause", () => {
    const c = capture();
    const err = drizzleQueryError([SECRET, "2030-01-01"]);
    c.log.error({ err }, "as err");
    c.log.error(err);
    c.log.error({ nested: { error: err } }, "nested");
    c.log.error({ err: new Error("wrapper", { cause: err }) }, "as cause");
    c.log.error(`message: ${err.message}`);
    const text = c.text();
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain("2030-01-01");
    const first = JSON.parse(text.split("\n")[0]) as { err: Record<string, unknown> };
    expect(first.err).toMatchObject({
      message: "Failed query: select 1 from t where a = $1\nparams: [Redacted]",
      query: "select 1 from t where a = $1",
      params: "[Redacted]",
      cause: { message: "relation does not exist", code: "42P01", parameters: "[Redacted]" },
    });
    expect(first.err.stack).toMatch(/params: \[Redacted\]\n {4}at /); // the frames stay
  });

  it("survives cycles and very deep objects", () => {
    const c = capture();
    const loop: Record<string, unknown> = { name: "loop" };
    loop.self = loop;
    let deep: Record<string, unknown> = { token: SECRET };
    for (let i = 0; i < 50; i++) deep = { next: deep };
    c.log.info({ loop, deep }, "odd shapes");
    expect(c.text()).not.toContain(SECRET);
    expect(c.last()).toMatchObject({ loop: { name: "loop", self: "[Circular]" } });
  });

  it("redacts child-logger bindings too", () => {
    const c = capture();
    c.log.child({ token: SECRET, authorization: `Bearer ${SECRET}` }).info("child");
    expect(c.text()).not.toContain(SECRET);
  });

  it("names: secret-looking keys, with any case or separator", () => {
    expect(
      ["X-Authorization", "csrfToken", "secretAccessKey", "api_key", "signingKey"].every(isSecretKey),
    ).toBe(true);
    expect(["grantId", "tokenPrefix", "message", "query", "email"].some(isSecretKey)).toBe(false);
  });
});
