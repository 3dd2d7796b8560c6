import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { productionConfigProblems } from "./env";

const SECRET = "0123456789abcdef0123456789abcdef";
const prod = (vars: Record<string, string | undefined>) =>
  productionConfigProblems({ NODE_ENV: "production", ...vars });

describe("productionConfigProblems", () => {
  it("accepts a secret and an https URL, and loopback http (never reachable from another machine)", () => {
    expect(prod({ NEXTAUTH_SECRET: SECRET, NEXTAUTH_URL: "https://elevate.example.com" })).toEqual([]);
    for (const url of ["http://localhost:3000", "http://127.0.0.1:3100", "http://[::1]:3000"]) {
      expect(prod({ NEXTAUTH_SECRET: SECRET, NEXTAUTH_URL: url })).toEqual([]);
    }
  });

  it("checks nothing outside production", () => {
    expect(productionConfigProblems({ NODE_ENV: "development" })).toEqual([]);
    expect(productionConfigProblems({ NODE_ENV: "test", NEXTAUTH_URL: "http://x.example" })).toEqual([]);
    expect(productionConfigProblems({})).toEqual([]);
  });

  it("names each missing or unsafe setting", () => {
    const none = prod({});
    expect(none).toHaveLength(2);
    expect(none[0]).toMatch(/^NEXTAUTH_SECRET is not set/);
    expect(none[1]).toMatch(/^NEXTAUTH_URL is not set/);
    expect(prod({ NEXTAUTH_SECRET: "short", NEXTAUTH_URL: "https://a.example" })).toEqual([
      expect.stringMatching(/^NEXTAUTH_SECRET is shorter than 16 characters/),
    ]);
    for (const url of [
      "http://elevate.example.com",
      "http://10.0.0.5",
      "http://localhost.evil.example",
      "http://127.0.0.1.evil.example",
      "ftp://elevate.example.com",
    ]) {
      expect(prod({ NEXTAUTH_SECRET: SECRET, NEXTAUTH_URL: url })).toEqual([
        expect.stringMatching(/^NEXTAUTH_URL must be an https address/),
      ]);
    }
    expect(prod({ NEXTAUTH_SECRET: SECRET, NEXTAUTH_URL: "elevate.example.com" })).toEqual([
      expect.stringMatching(/^NEXTAUTH_URL is not a URL/),
    ]);
  });
});

describe("start-up in production", () => {
  const root = path.resolve(__dirname, "..");
  const entry = path.join(root, "lib/testing/start-check.ts");
  // Undefined entries are left out of the child's environment.
  const cleared = { NEXTAUTH_SECRET: undefined, NEXTAUTH_URL: undefined, VITEST: undefined };

  // The same check instrumentation.ts runs before `next start` serves anything, in its own process.
  function start(env: {
    NODE_ENV: "production" | "development";
    NEXTAUTH_SECRET?: string;
    NEXTAUTH_URL?: string;
  }) {
    const r = spawnSync(process.execPath, ["--import", "tsx", entry], {
      cwd: root,
      env: { ...process.env, ...cleared, ...env },
      encoding: "utf8",
      timeout: 60_000,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  it("refuses to start without NEXTAUTH_SECRET and an https NEXTAUTH_URL: clear message, exit 1", () => {
    const r = start({ NODE_ENV: "production" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Elevate will not start");
    expect(r.stderr).toContain("NEXTAUTH_SECRET is not set");
    expect(r.stderr).toContain("NEXTAUTH_URL is not set");
    expect(r.stdout).not.toContain("configuration ok");

    const plain = start({
      NODE_ENV: "production",
      NEXTAUTH_SECRET: SECRET,
      NEXTAUTH_URL: "http://elevate.example",
    });
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain("NEXTAUTH_URL must be an https address");
  }, 120_000);

  it("starts with both set, and outside production without them", () => {
    const ok = start({
      NODE_ENV: "production",
      NEXTAUTH_SECRET: SECRET,
      NEXTAUTH_URL: "https://elevate.example",
    });
    expect(ok).toMatchObject({ code: 0, stderr: "" });
    expect(ok.stdout).toContain("configuration ok");
    expect(start({ NODE_ENV: "development" }).code).toBe(0);
  }, 120_000);
});
