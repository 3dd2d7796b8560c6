import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { resetEnv } from "@/lib/env";
import { openTestDb } from "@/lib/testing/db";
import { inngestClientOptions, inngestDevMode } from "@/lib/workflows/inngest-driver";
import { GRANT_LIFECYCLE_ID } from "../functions/grant-lifecycle";
import { auditActions, grantRow, lifecycleSetup } from "./helpers";

// The served functions run on the process-wide database (getDb): point it at the test database.
const DB_KEY = Symbol.for("elevate.db");
type WithDb = typeof globalThis & { [DB_KEY]?: Promise<DbHandle> };

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
  (globalThis as WithDb)[DB_KEY] = Promise.resolve(h);
});
afterAll(async () => {
  (globalThis as WithDb)[DB_KEY] = undefined;
  await h?.close();
});
afterEach(() => {
  vi.unstubAllEnvs();
  resetEnv();
});

const INNGEST_VARS = ["INNGEST_DEV", "INNGEST_BASE_URL", "INNGEST_SIGNING_KEY", "INNGEST_EVENT_KEY"] as const;
type Vars = Partial<Record<(typeof INNGEST_VARS)[number], string>>;

/** The route module as a fresh process would load it with exactly these Inngest variables. */
async function routeWith(vars: Vars) {
  for (const k of INNGEST_VARS) vi.stubEnv(k, vars[k]);
  resetEnv();
  vi.resetModules();
  return import("@/app/api/inngest/route");
}

const URL_ = "http://localhost:3000/api/inngest";

/**
 * What an attacker sent: Inngest's call to run the lifecycle's failure handler, with a made-up
 * `inngest/function.failed` event naming a real grant, and no signature (or, to show that Inngest's own
 * calls still work, signed with the key).
 */
function forgedFailure(
  grant: { id: string; orgId: string; targetId: string; requestId: string },
  signingKey?: string,
) {
  const failed = {
    name: "inngest/function.failed",
    data: {
      function_id: `elevate-${GRANT_LIFECYCLE_ID}`,
      run_id: `01FORGED${randomUUID().replaceAll("-", "").slice(0, 18).toUpperCase()}`,
      error: { name: "Error", message: "forged failure" },
      event: {
        name: "elevate/grant.scheduled",
        data: { orgId: grant.orgId, grantId: grant.id, requestId: grant.requestId, targetId: grant.targetId },
      },
    },
  };
  const body = {
    version: 1,
    event: failed,
    events: [failed],
    steps: {},
    ctx: { run_id: failed.data.run_id, attempt: 0, stack: { stack: [], current: 0 } },
  };
  return new Request(`${URL_}?fnId=elevate-${GRANT_LIFECYCLE_ID}-failure&stepId=step`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(signingKey ? { "x-inngest-signature": sign(body, signingKey) } : {}),
    },
    body: JSON.stringify(body),
  });
}

/** JSON with keys sorted at every level (RFC 8785 for these plain values), as Inngest signs it. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** Inngest's `x-inngest-signature`: HMAC-SHA256 of the canonical body and timestamp, keyed without the prefix. */
function sign(body: unknown, signingKey: string): string {
  const t = Math.floor(Date.now() / 1000).toString();
  const key = signingKey.replace(/^signkey-\w+-/, "");
  return `t=${t}&s=${createHmac("sha256", key)
    .update(canonical(body) + t)
    .digest("hex")}`;
}

async function scheduledGrant() {
  const { org, grant } = await lifecycleSetup(h.db);
  expect(grant.status).toBe("scheduled");
  return { org, grant, before: await auditActions(h.db, org.org.id, grant.id) };
}

describe("/api/inngest is served only with the Inngest driver, and only to signed calls", () => {
  it("answers 404 to every method when the workflow driver is inline", async () => {
    const route = await routeWith({});
    const { grant } = await scheduledGrant();
    expect((await route.GET(new Request(URL_) as never, undefined)).status).toBe(404);
    expect(
      (await route.PUT(new Request(URL_, { method: "PUT", body: "{}" }) as never, undefined)).status,
    ).toBe(404);
    const res = await route.POST(forgedFailure(grant) as never, undefined);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: "not_found", message: "Not found" } });
    expect((await grantRow(h.db, grant.id)).status).toBe("scheduled");
  });

  it.each<[string, Vars]>([
    [
      "a self-hosted server's URL, no signing key (development)",
      { INNGEST_BASE_URL: "http://127.0.0.1:8288" },
    ],
    [
      "a signing key",
      {
        INNGEST_BASE_URL: "http://127.0.0.1:8288",
        INNGEST_SIGNING_KEY: "signkey-test-0123456789abcdef0123456789abcdef",
      },
    ],
    ["INNGEST_DEV=0", { INNGEST_DEV: "0", INNGEST_BASE_URL: "http://127.0.0.1:8288" }],
    [
      "INNGEST_DEV with a value that is not 1",
      { INNGEST_DEV: "yes", INNGEST_BASE_URL: "http://127.0.0.1:8288" },
    ],
  ])(
    "with the Inngest driver and %s, an unsigned forged failure is refused and changes nothing",
    async (_, vars) => {
      const route = await routeWith(vars);
      const { org, grant, before } = await scheduledGrant();
      const res = await route.POST(forgedFailure(grant) as never, undefined);
      expect([401, 403]).toContain(res.status);
      const row = await grantRow(h.db, grant.id);
      expect(row.status).toBe("scheduled");
      expect(row.lastError).toBeNull();
      expect(await auditActions(h.db, org.org.id, grant.id)).toEqual(before);
    },
  );

  it("with the signing key, the same call signed as Inngest signs it is accepted", async () => {
    const key = "signkey-test-0123456789abcdef0123456789abcdef";
    const route = await routeWith({ INNGEST_BASE_URL: "http://127.0.0.1:8288", INNGEST_SIGNING_KEY: key });
    const { org, grant, before } = await scheduledGrant();
    const wrongKey = await route.POST(forgedFailure(grant, `${key}00`) as never, undefined);
    expect(wrongKey.status).toBe(401);
    expect((await grantRow(h.db, grant.id)).status).toBe("scheduled");
    const res = await route.POST(forgedFailure(grant, key) as never, undefined);
    expect([401, 403, 404]).not.toContain(res.status);
    expect((await grantRow(h.db, grant.id)).status).toBe("failed");
    expect(await auditActions(h.db, org.org.id, grant.id)).toEqual([...before, "grant.failed"]);
  });

  it("with INNGEST_DEV=1 (the local dev server) the same call is accepted and runs the failure handler", async () => {
    const route = await routeWith({ INNGEST_DEV: "1" });
    const { org, grant, before } = await scheduledGrant();
    const res = await route.POST(forgedFailure(grant) as never, undefined);
    expect([401, 403, 404]).not.toContain(res.status);
    // Which is why dev mode is opt-in only, and `npm run dev` listens on 127.0.0.1.
    expect((await grantRow(h.db, grant.id)).status).toBe("failed");
    expect(await auditActions(h.db, org.org.id, grant.id)).toEqual([...before, "grant.failed"]);
  });
});

describe("inngestDevMode: dev mode only when asked for explicitly", () => {
  it.each([
    ["1", true],
    ["true", true],
    ["http://127.0.0.1:8288", true],
    [undefined, false],
    ["", false],
    ["0", false],
    ["false", false],
    ["yes", false],
  ])("INNGEST_DEV=%s → %s", (value, dev) => {
    expect(inngestDevMode(value)).toBe(dev);
    expect(inngestClientOptions({ NODE_ENV: "development", INNGEST_DEV: value } as never).isDev).toBe(dev);
  });
});

describe("npm run dev", () => {
  it("listens on 127.0.0.1 only, so a dev-mode /api/inngest (and demo sign-in) is not on the network", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.dev).toMatch(/^next dev (.* )?-H 127\.0\.0\.1\b/);
  });
});
