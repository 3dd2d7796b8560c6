import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { loadSessionActor } from "@/lib/auth/actor";
import { elevateAdapter } from "@/lib/auth/adapter";
import { authOptions } from "@/lib/auth/options";
import { logger } from "@/lib/log";
import { createTestOrg, openTestDb } from "@/lib/testing/db";
import { CookieJar, callNextAuth } from "./next-auth-driver";

// The app's own logger (its real configuration), writing to memory instead of stdout.
const written = vi.hoisted(() => ({ lines: [] as string[] }));
vi.mock("@/lib/log", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/log")>();
  return {
    ...real,
    logger: real.createLogger({
      level: "info",
      destination: { write: (s: string) => written.lines.push(s) },
    }),
  };
});

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const DAY = 24 * 3600 * 1000;

let h: DbHandle;
let token: string;
let orgSlug: string;
beforeAll(async () => {
  // A database of its own: it is closed below, so every session lookup on it fails.
  h = await openTestDb();
  const org = await createTestOrg(h.db);
  orgSlug = org.org.slug;
  token = crypto.randomUUID();
  await elevateAdapter({ db: async () => h.db, orgSlug: () => orgSlug }).createSession({
    sessionToken: token,
    userId: org.users.requester.id,
    expires: new Date(Date.now() + DAY),
  });
  await h.close();
});
afterAll(() => {
  written.lines = [];
});

function expectNoSecretsLogged() {
  const text = written.lines.join("");
  expect(text).not.toContain(token);
  // Nor the query's values at all: the hash of the token, or the expiry the lookup compared against.
  expect(text).not.toContain(sha256(token));
  expect(text).not.toMatch(/params: (?!\[Redacted\])/);
  return text;
}

describe("a database error during a session lookup logs neither the session token nor the query's values", () => {
  it("next-auth's session endpoint, through the adapter and our next-auth logger", async () => {
    written.lines = [];
    const jar = new CookieJar();
    jar.values.set("next-auth.session-token", token);
    const res = await callNextAuth(authOptions({ db: async () => h.db, orgSlug: () => orgSlug }), jar, {
      method: "GET",
      path: "session",
    });
    expect(res.status).toBe(200); // next-auth answers "no session" and logs the failure
    const text = expectNoSecretsLogged();
    expect(text).toContain("adapter_error_getSessionAndUser");
    expect(text).toContain("Failed query");
  });

  it("the page-load lookup (loadSessionActor), however the error is then logged", async () => {
    written.lines = [];
    const err = await loadSessionActor(h.db, token).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    logger.error({ err }, "ui read failed");
    logger.error(err);
    logger.error({ context: { error: err, cause: [err] } }, "nested");
    logger.error(`lookup failed: ${(err as Error).message}`);
    const text = expectNoSecretsLogged();
    expect(written.lines).toHaveLength(4);
    expect(text).toContain("session_token_hash");
  });
});
