import { mkdirSync } from "node:fs";
import path from "node:path";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { Sql } from "postgres";
import { env } from "@/lib/env";
import * as schema from "./schema";

export type Schema = typeof schema;
/** Both drivers (postgres.js and PGlite) and their transactions satisfy this type. */
export type Db = PgDatabase<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

export type DbHandle = { db: Db; kind: "pglite" | "postgres"; close: () => Promise<void> };

export function migrationsFolder(): string {
  return path.join(process.cwd(), "db", "migrations");
}

/**
 * Opens a database and applies pending migrations. `url` undefined → PGlite in `dataDir` (or memory).
 * `poolSize` (Postgres only, default 10) is for benches that drive more clients than that at once.
 */
export async function openDb(opts: {
  url?: string;
  dataDir?: string | null;
  poolSize?: number;
  /** PGlite in memory only: start from this dump (`dumpDataDir`) instead of an empty cluster (tests). */
  loadDataDir?: Blob;
}): Promise<DbHandle> {
  if (opts.url) {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    await migratePostgres(opts.url);
    const sql = postgres(opts.url, { max: opts.poolSize ?? 10, onnotice: () => {} });
    return {
      db: drizzle(preparingStatements(sql), { schema }) as unknown as Db,
      kind: "postgres",
      // A graceful close lets running queries finish, for at most 5 s.
      close: () => sql.end({ timeout: 5 }),
    };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  // A missing parent directory makes PGlite fail with ENOENT, so create it first.
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const { preparingStatements: preparingPGlite } = await import("./pglite-statements");
  const client = await preparingPGlite(
    opts.dataDir
      ? await PGlite.create(opts.dataDir)
      : await PGlite.create(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
  );
  const db = drizzle(client, { schema });
  await migrate(db, { migrationsFolder: migrationsFolder() });
  return { db: db as unknown as Db, kind: "pglite", close: () => client.close() };
}

/**
 * drizzle sends every query as an unnamed statement, so Postgres parses and plans it on every call; on a
 * page that is most of the database's time (a 0.2 ms lookup cost 3 ms in parse and bind). This makes
 * postgres.js prepare each parameterised query once per connection (named by its text) and re-use it.
 * Queries without parameters keep the simple protocol. Transactions (drizzle's `begin`) are left as
 * they are. Query texts are bounded: drizzle never inlines values into SQL here (no sql.raw in lib/).
 */
function preparingStatements(sql: Sql): Sql {
  return new Proxy(sql, {
    get(target, prop, receiver) {
      if (prop !== "unsafe") return Reflect.get(target, prop, receiver);
      return (query: string, params?: unknown[], options?: Record<string, unknown>) =>
        target.unsafe(query, params as never, { ...options, prepare: (params?.length ?? 0) > 0 });
    },
  });
}

/** Migrations on Postgres run on one connection under an advisory lock, so many processes may start at once. */
async function migratePostgres(url: string): Promise<void> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const { migrate } = await import("drizzle-orm/postgres-js/migrator");
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(727274)`;
    await migrate(drizzle(sql), { migrationsFolder: migrationsFolder() });
    await sql`select pg_advisory_unlock(727274)`;
  } finally {
    await sql.end();
  }
}

const GLOBAL_KEY = Symbol.for("elevate.db");
type GlobalWithDb = typeof globalThis & { [GLOBAL_KEY]?: Promise<DbHandle> };

/** The process-wide database, opened on first use. A failed open is never cached. */
export function getDbHandle(): Promise<DbHandle> {
  const g = globalThis as GlobalWithDb;
  const existing = g[GLOBAL_KEY];
  if (existing) return existing;
  const e = env();
  const opening = openDb({ url: e.DATABASE_URL, dataDir: path.resolve(e.ELEVATE_DATA_DIR, "pglite") });
  g[GLOBAL_KEY] = opening;
  opening.catch(() => {
    if (g[GLOBAL_KEY] === opening) g[GLOBAL_KEY] = undefined;
  });
  return opening;
}

export async function getDb(): Promise<Db> {
  return (await getDbHandle()).db;
}

export async function closeDb(): Promise<void> {
  const g = globalThis as GlobalWithDb;
  const existing = g[GLOBAL_KEY];
  g[GLOBAL_KEY] = undefined;
  if (existing) await (await existing).close();
}
