import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": fileURLToPath(new URL("./", import.meta.url)),
      "server-only": fileURLToPath(new URL("./lib/testing/server-only-shim.ts", import.meta.url)),
    },
  },
  test: {
    include: ["**/*.test.ts"],
    // `*.postgres.test.ts` test what only a Postgres server has (several connections: deadlocks, a second
    // pool on another thread); they run whenever DATABASE_URL is set (CI's first pass).
    exclude: [
      "node_modules/**",
      "e2e/**",
      ".next/**",
      ...(process.env.DATABASE_URL ? [] : ["**/*.postgres.test.ts"]),
    ],
    environment: "node",
    setupFiles: ["lib/testing/fast-check-seed.ts"],
    globalSetup: ["lib/testing/pglite-template.ts"],
    // Expected failures are logged by design; keep test output readable unless asked (LOG_LEVEL=info).
    env: {
      LOG_LEVEL: process.env.LOG_LEVEL ?? "silent",
      // The wire-level fakes listen on 127.0.0.1 at random ports, and tests name their secrets ELEVATE_TEST_*
      // (and ACME_* in examples): the operator's allowances a test server needs (docs/security.md).
      ELEVATE_ENDPOINT_ALLOWLIST: "http://127.0.0.1:*,https://127.0.0.1:*",
      ELEVATE_CLOUD_CREDENTIAL_PREFIX: "ELEVATE_CLOUD_,ELEVATE_TEST_,ACME_",
      // Suites submit, decide and sign in far faster than a person: raise the write limits (the limiter
      // stays on; lib/ratelimit and the 429 tests set their own low limits).
      ELEVATE_RATE_LIMIT_SUBMIT_PER_MINUTE: "100000",
      ELEVATE_RATE_LIMIT_DECIDE_PER_MINUTE: "100000",
      ELEVATE_RATE_LIMIT_TOKENS_PER_HOUR: "100000",
      ELEVATE_RATE_LIMIT_DEMO_SIGNIN_PER_MINUTE: "100000",
      // Suites approve high-risk requests with API tokens: no step-up unless a suite asks for it
      // (lib/requests/step-up.ts; the step-up tests set ELEVATE_STEP_UP_RISKS=high).
      ELEVATE_STEP_UP_RISKS: "",
    },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    fileParallelism: true,
    maxWorkers: 2,
  },
});
