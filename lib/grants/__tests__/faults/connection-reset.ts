import { expect } from "vitest";
import { type Db, type DbHandle, openDb } from "@/db/client";
import { env } from "@/lib/env";

/** "pg_terminate_backend" on Postgres (DATABASE_URL), "simulated" on PGlite: for test names. */
export const resetKind = env().DATABASE_URL ? "pg_terminate_backend" : "simulated";

/**
 * Runs `verb` and kills its database connection inside its transaction, after the verb's first write and
 * while it waits for the audit lock (appendAudit). On Postgres a second connection holds the org's audit
 * advisory lock, waits until the verb's backend queues behind it and terminates that backend. PGlite has a
 * single in-process connection, so there the transaction's first `execute` (the audit lock) throws as a
 * dropped connection would. Returns the verb's rejection.
 */
export async function resetMidTransaction(
  h: DbHandle,
  orgId: string,
  verb: (db: Db) => Promise<unknown>,
): Promise<unknown> {
  const url = env().DATABASE_URL;
  if (h.kind === "postgres" && url) {
    // The victim gets a pool of its own: the defect below can leave a killed connection unable to flush,
    // and `end()` then waits for ever; the test's own pool stays clean for the retry and the checks.
    const victim = await openDb({ url });
    try {
      return await terminateBackend(url, orgId, () => verb(victim.db));
    } finally {
      await Promise.race([victim.close(), new Promise((r) => setTimeout(r, 1000))]);
    }
  }
  let fired = false;
  const db = wrapTransactions(
    h.db,
    (tx) =>
      new Proxy(tx, {
        get(t, p) {
          if (p === "execute" && !fired) {
            fired = true;
            return async () => {
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
 * postgres.js 3.4.9 throws from a setImmediate after a backend dies mid-query ("Cannot read properties of
 * null (reading 'write')" in nextWrite; porsager/postgres#1154, #1208, fixes unmerged): an uncaught
 * exception that would end a production process, and the connection may be left unable to flush. Known
 * and reported; here it is caught and logged so the test can judge the verb itself. Any other uncaught exception goes to vitest as usual.
 */
async function tolerateDriverCrash<T>(run: () => Promise<T>): Promise<T> {
  const theirs = process.listeners("uncaughtException");
  process.removeAllListeners("uncaughtException");
  const mine = (err: Error, origin: NodeJS.UncaughtExceptionOrigin) => {
    if (
      err instanceof TypeError &&
      /reading 'write'/.test(err.message) &&
      /postgres\/src\/connection/.test(err.stack ?? "")
    ) {
      console.warn(
        `known postgres.js defect after pg_terminate_backend (porsager/postgres#1208): ${err.message}`,
      );
      return;
    }
    for (const l of theirs) l(err, origin);
  };
  process.on("uncaughtException", mine);
  try {
    const out = await run();
    await new Promise((r) => setTimeout(r, 100)); // let the driver's pending immediates fire
    return out;
  } finally {
    process.removeListener("uncaughtException", mine);
    for (const l of theirs) process.on("uncaughtException", l);
  }
}

async function terminateBackend(url: string, orgId: string, run: () => Promise<unknown>): Promise<unknown> {
  return tolerateDriverCrash(() => killWhileWaiting(url, orgId, run));
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
