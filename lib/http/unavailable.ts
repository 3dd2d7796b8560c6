import { type Db, getDb } from "@/db/client";
import { AppError, Conflict, Unavailable } from "@/lib/errors";
import { logger } from "@/lib/log";

/** How long a client should wait before retrying a 503 `unavailable` (the Retry-After header, seconds). */
export const RETRY_AFTER_SECONDS = 5;

const MESSAGE = "The database is unavailable; try again shortly";

/**
 * Connection-level failures: the server or network refused, reset, timed out or ended the connection,
 * or the driver's handle is closed. Node socket errors, postgres.js's own codes, the SQLSTATE classes a
 * server uses while shutting down or refusing connections, and PGlite's closed handle.
 */
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "57P01", // admin_shutdown (pg_terminate_backend, a restart)
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now (starting up, recovering)
  "53300", // too_many_connections
]);
const CONNECTION_MESSAGES = [
  /^PGlite is closed/i,
  /^Connection terminated/i,
  /^Client has encountered a connection error/i,
];

/** True when `err`, or any error in its `cause` chain (drizzle wraps driver errors), is connection-level. */
export function isDatabaseUnavailable(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; depth < 8 && e instanceof Error; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && (CONNECTION_CODES.has(code) || code.startsWith("08"))) return true;
    if (CONNECTION_MESSAGES.some((re) => re.test(e instanceof Error ? e.message : ""))) return true;
    e = e.cause;
  }
  return false;
}

/**
 * SQLSTATEs of a lost race rather than a bug: the database refused one of two concurrent changes
 * (deadlock_detected, serialization_failure, lock_not_available, unique_violation). A retry sees the winner.
 */
const CONFLICT_CODES = new Set(["40P01", "40001", "55P03", "23505"]);

/** True when `err` or an error in its `cause` chain (drizzle wraps driver errors) has one of these SQLSTATEs. */
export function hasSqlState(err: unknown, codes: ReadonlySet<string>): boolean {
  let e: unknown = err;
  for (let depth = 0; depth < 8 && e instanceof Error; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && codes.has(code)) return true;
    e = e.cause;
  }
  return false;
}

/** True when `err` or an error in its `cause` chain is a concurrent-change conflict (CONFLICT_CODES). */
export function isConcurrentConflict(err: unknown): boolean {
  return hasSqlState(err, CONFLICT_CODES);
}

/**
 * The AppError a transport answers with: an AppError as it is; a lost database connection as 503
 * `unavailable` (logged here, its detail never shown); a concurrent-change conflict as 409 `conflict`
 * (logged as a warning: each one is a race some verb could avoid); anything else null (a logged 500).
 */
export function expectedError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  if (isConcurrentConflict(err)) {
    logger.warn({ err }, "concurrent change refused by the database");
    return Conflict("This changed at the same moment as another change; reload and try again");
  }
  if (!isDatabaseUnavailable(err)) return null;
  logger.error({ err }, "database unavailable");
  return Unavailable(MESSAGE);
}

/** Headers for an error response: Retry-After on 503 `unavailable` and on 429 `rate_limited` (its own wait). */
export function retryHeaders(code: string, retryAfterSeconds?: number): Record<string, string> {
  if (code === "unavailable") return { "retry-after": String(RETRY_AFTER_SECONDS) };
  if (code === "rate_limited") {
    return { "retry-after": String(Math.max(1, Math.ceil(retryAfterSeconds ?? 1))) };
  }
  return {};
}

/** The process database, or 503 `unavailable` when it cannot be opened (whatever the reason, logged). */
export async function getDbOrUnavailable(): Promise<Db> {
  try {
    return await getDb();
  } catch (err) {
    logger.error({ err }, "database unavailable");
    throw Unavailable(MESSAGE);
  }
}
