import { afterEach, describe, expect, it } from "vitest";
import { clientAddress, isSameOrigin } from "@/lib/auth/same-origin";
import { resetEnv } from "@/lib/env";

const post = (headers: Record<string, string>) =>
  new Request("http://internal:3000/api/auth/demo", { method: "POST", headers });
const none = { trustedProxyHops: 0 };
const oneProxy = { trustedProxyHops: 1 };

describe("isSameOrigin", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    resetEnv();
  });

  it("compares Origin with the Host header", () => {
    expect(isSameOrigin(post({ origin: "http://localhost:3000", host: "localhost:3000" }), none)).toBe(true);
    expect(isSameOrigin(post({ origin: "https://evil.example", host: "localhost:3000" }), none)).toBe(false);
    expect(isSameOrigin(post({ host: "localhost:3000" }), none)).toBe(false);
  });

  it("without a trusted proxy, refuses an Origin that only a forged X-Forwarded-Host matches", () => {
    const forged = {
      origin: "https://evil.example",
      host: "elevate.example",
      "x-forwarded-host": "evil.example",
    };
    expect(isSameOrigin(post(forged), none)).toBe(false);
    // The same, configured from the environment (ELEVATE_TRUSTED_PROXY unset)
    delete process.env.ELEVATE_TRUSTED_PROXY;
    resetEnv();
    expect(isSameOrigin(post(forged))).toBe(false);
  });

  it("with a trusted proxy, believes the value it wrote (and its protocol), not one the client sent", () => {
    const proxied = {
      origin: "https://elevate.example",
      host: "internal:3000",
      "x-forwarded-host": "elevate.example",
      "x-forwarded-proto": "https",
    };
    expect(isSameOrigin(post(proxied), none)).toBe(false);
    expect(isSameOrigin(post(proxied), oneProxy)).toBe(true);
    // The client's own X-Forwarded-Host comes first; the proxy appends the real one
    const appended = {
      ...proxied,
      origin: "https://evil.example",
      "x-forwarded-host": "evil.example, elevate.example",
    };
    expect(isSameOrigin(post(appended), oneProxy)).toBe(false);
    expect(isSameOrigin(post({ ...proxied, "x-forwarded-proto": "http" }), oneProxy)).toBe(false);
    process.env.ELEVATE_TRUSTED_PROXY = "1";
    resetEnv();
    expect(isSameOrigin(post(proxied))).toBe(true);
  });

  it("accepts the public URL's origin (NEXTAUTH_URL) behind a proxy it does not trust", () => {
    const req = post({ origin: "https://elevate.example", host: "internal:3000" });
    expect(isSameOrigin(req, { ...none, publicUrl: "https://elevate.example/" })).toBe(true);
    expect(isSameOrigin(req, { ...none, publicUrl: "http://elevate.example" })).toBe(false);
  });

  it("refuses a hop count that is not one", () => {
    process.env.ELEVATE_TRUSTED_PROXY = "yes";
    resetEnv();
    expect(() => isSameOrigin(post({ origin: "http://a", host: "a" }))).toThrow(/ELEVATE_TRUSTED_PROXY/);
  });
});

describe("clientAddress (rate-limit bucket)", () => {
  it("ignores X-Forwarded-For without a trusted proxy: one direct bucket", () => {
    expect(clientAddress(post({ "x-forwarded-for": "203.0.113.7" }), none)).toBe("direct");
    expect(clientAddress(post({}), oneProxy)).toBe("direct");
  });
  it("takes the entry the outermost trusted proxy wrote, not the client's", () => {
    expect(clientAddress(post({ "x-forwarded-for": "1.2.3.4, 203.0.113.7" }), oneProxy)).toBe("203.0.113.7");
    expect(
      clientAddress(post({ "x-forwarded-for": "1.2.3.4, 203.0.113.7, 10.0.0.2" }), { trustedProxyHops: 2 }),
    ).toBe("203.0.113.7");
  });
});
