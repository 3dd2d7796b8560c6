import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { inject } from "vitest";
import { type Db, type DbHandle, openDb } from "@/db/client";
import { type SeedPolicy, seedOrg } from "@/db/seed/org";
import { env } from "@/lib/env";

/** Real database for tests: Postgres when DATABASE_URL is set, otherwise an in-memory PGlite. */
export async function openTestDb(): Promise<DbHandle> {
  const url = env().DATABASE_URL;
  if (url) return openDb({ url });
  // The run's migrated template (lib/testing/pglite-template.ts), when the run has one.
  const template = inject("pgliteTemplate");
  const loadDataDir = template ? new Blob([readFileSync(template)]) : undefined;
  return openDb({ dataDir: null, loadDataDir });
}

/** Each test gets its own organization, so tests never wipe or see each other's data. */
export async function createTestOrg(db: Db, policy?: SeedPolicy) {
  const slug = `t-${randomUUID().slice(0, 12)}`;
  return seedOrg(db, { slug, name: `Test ${slug}`, policy });
}
