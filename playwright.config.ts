import { defineConfig } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3100);
const BASE_URL = `http://127.0.0.1:${PORT}`;
const DATA_DIR = ".data/e2e";

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    baseURL: BASE_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    // A fresh embedded database for every run; demo personas on; a fast reconciler for short expiries.
    command: `rm -rf ${DATA_DIR} && npx next start -p ${PORT} -H 127.0.0.1`,
    url: `${BASE_URL}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe",
    env: {
      ELEVATE_DEMO: "1",
      ELEVATE_DATA_DIR: DATA_DIR,
      // The server on Postgres instead of embedded PGlite, so a spec can seed rows beside it (e2e/usage.spec.ts).
      ...(process.env.E2E_DATABASE_URL ? { DATABASE_URL: process.env.E2E_DATABASE_URL } : {}),
      ELEVATE_RECONCILE_INTERVAL_MS: "2000",
      NEXTAUTH_URL: BASE_URL,
      NEXTAUTH_SECRET: "e2e-secret-0123456789abcdef0123456789",
      // Every test signs in from 127.0.0.1 (one "direct" bucket) and acts faster than a person: raise
      // the write limits rather than turn the limiter off.
      ELEVATE_RATE_LIMIT_SUBMIT_PER_MINUTE: "10000",
      ELEVATE_RATE_LIMIT_DECIDE_PER_MINUTE: "10000",
      ELEVATE_RATE_LIMIT_TOKENS_PER_HOUR: "10000",
      ELEVATE_RATE_LIMIT_DEMO_SIGNIN_PER_MINUTE: "10000",
    },
  },
});
