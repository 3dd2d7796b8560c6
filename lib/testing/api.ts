import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { closeDb, type Db, getDb } from "@/db/client";
import type { SeededOrg } from "@/db/seed/org";
import { resetEnv } from "@/lib/env";
import { createApiToken } from "@/lib/tokens";
import { getWorkflowDriver, type InlineDriver } from "@/lib/workflows";
import { systemCtx } from "@/lib/workflows/system-ctx";

export type Handler = (
  req: Request,
  route?: { params?: Promise<Record<string, string>> },
) => Promise<Response>;

export type ApiCall = {
  token?: string;
  body?: unknown;
  rawBody?: string;
  params?: Record<string, string>;
  headers?: Record<string, string>;
};

/**
 * Route handlers resolve their database through getDb(): point it at Postgres (DATABASE_URL) or a temp
 * PGlite for this test file, with the periodic reconciler off (approvals and revocations still run inline).
 * Returns the database the handlers use; call it inside tests.
 */
export function setupApiDatabase(): () => Db {
  let dataDir: string | undefined;
  let db: Db | undefined;
  beforeAll(async () => {
    await closeDb();
    if (!process.env.DATABASE_URL) {
      dataDir = mkdtempSync(path.join(tmpdir(), "elevate-api-"));
      process.env.ELEVATE_DATA_DIR = dataDir;
    }
    process.env.ELEVATE_RECONCILER = "off";
    resetEnv();
    db = await getDb();
  });
  afterAll(async () => {
    await ((await getWorkflowDriver()) as InlineDriver).stop();
    await closeDb();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  return () => {
    if (!db) throw new Error("setupApiDatabase: the database opens in beforeAll");
    return db;
  };
}

/** Calls a route handler as HTTP would: bearer token, JSON body, route params. */
export async function callApi(handler: Handler, method: string, url: string, opts: ApiCall = {}) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const body = opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  if (body !== undefined) headers["content-type"] = "application/json";
  const req = new Request(`http://localhost/api/v1${url}`, { method, headers, body });
  const res = await handler(req, { params: Promise.resolve(opts.params ?? {}) });
  return { status: res.status, json: await res.json() };
}

/** An API token for one of the org's personas, minted by the system as the CLI does. */
export async function apiTokenFor(db: Db, org: SeededOrg, who: keyof SeededOrg["users"]): Promise<string> {
  const made = await createApiToken({
    ctx: systemCtx(db, org.org.id, "test"),
    input: { name: `${who}-api`, userId: org.users[who].id },
  });
  return made.token;
}
