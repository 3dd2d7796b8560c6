import { Conflict, RateLimited, Validation } from "@/lib/errors";

/** A driver error as postgres.js raises it when the server refuses the connection, wrapped as drizzle does. */
function connectionRefused(): Error {
  const cause = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
  return new Error("Failed query: select 1", { cause });
}

/**
 * The same failures thrown through every transport, with what each must answer, written out by hand:
 * route handlers, UI routes and server actions all go through one mapper (lib/http/error-response.ts).
 */
export const ERROR_CASES = [
  {
    name: "a conflict",
    make: () => Conflict("already decided"),
    status: 409,
    error: { code: "conflict", message: "already decided" },
    retryAfter: null,
  },
  {
    name: "a validation error naming its field",
    make: () => Validation("minutes", "must be positive"),
    status: 400,
    error: { code: "validation", message: "minutes: must be positive", field: "minutes" },
    retryAfter: null,
  },
  {
    name: "a rate limit",
    make: () => RateLimited(7),
    status: 429,
    error: { code: "rate_limited", message: "Too many requests; try again in 7 seconds" },
    retryAfter: "7",
  },
  {
    name: "a lost database connection",
    make: connectionRefused,
    status: 503,
    error: { code: "unavailable", message: "The database is unavailable; try again shortly" },
    retryAfter: "5",
  },
] as const;

/** An unexpected error: answered as a generic 500 naming only a reference id, never its own text. */
export const UNEXPECTED = () => new Error("connection string postgres://user:secret@db");
export const REFERENCE = /^Something went wrong \(reference ([0-9a-f-]{36})\)$/;
