import { expect } from "vitest";
import { type Db, type DbHandle, openDb } from "@/db/client";
import { auditPending } from "@/db/schema";
import { env } from "@/lib/env";

/** "pg_terminate_backend" on Postgres (DATABASE_URL), "simulated" on PGlite: for test names. */
export const resetKind = env().DATABASE_URL ? "pg_terminate_backend" : "simulated";

/**
 * Runs `verb` and kills its database connection inside its transaction, after the verb's writes. On
 * Postgres a second connection holds the org's audit advisory lock, waits until the verb's backend queues
 * behind it (the chaining trigger, at COMMIT) and terminates that backend. PGlite has a single in-process
 * connection, so there the transaction's audit write (appendAudit's insert) throws as a dropped connection
 * would. Returns the verb's rejection.
 */
export async function resetMidTransaction(
  h: DbHandle,
  orgId: string,
  verb: (db: Db) => Promise<unknown>,
): Promise<unknown> {
  const url = env().DATABASE_URL;
  if (h.kind === "postgres" && url) {
    // The victim gets a pool of its own, so the test's pool is untouched for the retry and the checks.
    // Closing it must not wait on the killed connection (unpatched, the driver's end() waited for ever).
    const victim = await openDb({ url });
    try {
      return await terminateBackend(url, orgId, () => verb(victim.db));
    } finally {
      await victim.close();
    }
  }
  let fired = false;
  const db = wrapTransactions(
    h.db,
    (tx) =>
      new Proxy(tx, {
        get(t, p) {
          if (p === "insert" && !fired) {
            return (table: unknown) => {
              if (table !== auditPending) return t.insert(table as typeof auditPending);
              fired = true;
              throw new Error("Connection terminated unexpectedly");
            };
          }
          const v = Reflect.get(t, p, t);
          return typeof v === "function" ? v.bind(t) : v;
        },
      }),
  );
  const err = await verb(db).then(
    () => null,
    (e: unknown) => e,
  );
  expect(fired, "the verb reached its audit write").toBe(true);
  return err;
}

function wrapTransactions(db: Db, wrapTx: (tx: Db) => Db): Db {
  return new Proxy(db, {
    get(t, p) {
      if (p === "transaction") {
        return (fn: (tx: Db) => Promise<unknown>, config?: unknown) =>
          (t.transaction as (f: (tx: Db) => Promise<unknown>, c?: unknown) => Promise<unknown>)(
            (tx) => fn(wrapTx(tx)),
            config,
          );
      }
      const v = Reflect.get(t, p, t);
      return typeof v === "function" ? v.bind(t) : v;
    },
  });
}

/**
 * Unpatched, postgres.js 3.4.9 threw an uncaught TypeError here ("Cannot read properties of null (reading
 * 'write')", porsager/postgres#1154, #1208), which vitest reports as a failure, and closing the pool then
 * hung: db/driver-patch.mjs repairs the driver, and this is where that repair is proven on a real server.
 */
async function terminateBackend(url: string, orgId: string, run: () => Promise<unknown>): Promise<unknown> {
  const outcome = await killWhileWaiting(url, orgId, run);
  await new Promise((r) => setTimeout(r, 100)); // let the driver's deferred writes run inside the test
  return outcome;
}

async function killWhileWaiting(url: string, orgId: string, run: () => Promise<unknown>): Promise<unknown> {
  const { default: postgres } = await import("postgres");
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await admin`select pg_advisory_lock(hashtext(${`audit:${orgId}`}))`;
    const outcome = run().then(
      () => null,
      (e: unknown) => e,
    );
    let killed = false;
    for (let i = 0; i < 500 && !killed; i++) {
      // The backend queued behind our lock is the verb's, inside its transaction.
      const waiting = await admin<{ pid: number }[]>`
        select w.pid from pg_locks w
        join pg_locks mine on mine.locktype = 'advisory' and mine.pid = pg_backend_pid() and mine.granted
          and w.classid = mine.classid and w.objid = mine.objid and w.objsubid = mine.objsubid
        where w.locktype = 'advisory' and not w.granted`;
      for (const { pid } of waiting) {
        await admin`select pg_terminate_backend(${pid})`;
        killed = true;
      }
      if (!killed) await new Promise((r) => setTimeout(r, 10));
    }
    expect(killed, "the verb's backend was found waiting and terminated").toBe(true);
    return await outcome;
  } finally {
    await admin`select pg_advisory_unlock_all()`;
    await admin.end();
  }
}
