import { findIllFormedText } from "./text";

export type ErrorCode =
  | "not_found"
  | "forbidden"
  | "unauthorized"
  | "conflict"
  | "validation"
  | "limit_exceeded"
  | "rate_limited"
  | "unavailable";

const STATUS: Record<ErrorCode, number> = {
  not_found: 404,
  forbidden: 403,
  unauthorized: 401,
  conflict: 409,
  validation: 400,
  limit_exceeded: 422,
  rate_limited: 429,
  unavailable: 503,
};

/** Expected failures: their message is safe to show; transports map `code` to a status once. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    /** For `rate_limited`: seconds until the window resets (the Retry-After header). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "AppError";
  }
  get status(): number {
    return STATUS[this.code];
  }
}

export const NotFound = (what: string) => new AppError("not_found", `${what} not found`);
export const Forbidden = (message = "You are not allowed to do that") => new AppError("forbidden", message);
export const Unauthorized = () => new AppError("unauthorized", "Sign in or pass a valid API token");
export const Conflict = (message: string) => new AppError("conflict", message);
export const Validation = (field: string, message: string) =>
  new AppError("validation", `${field}: ${message}`, field);
export const LimitExceeded = (message: string, field?: string) =>
  new AppError("limit_exceeded", message, field);
export const Unavailable = (message: string) => new AppError("unavailable", message);
/** Over a rate limit (lib/ratelimit): 429 with Retry-After `retryAfterSeconds`. */
export const RateLimited = (retryAfterSeconds: number) => {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new AppError(
    "rate_limited",
    `Too many requests; try again in ${seconds} second${seconds === 1 ? "" : "s"}`,
    undefined,
    seconds,
  );
};

/** Turn a zod error into a Validation error naming the first offending field. */
export function fromZod(error: { issues: { path: PropertyKey[]; message: string }[] }): AppError {
  const issue = error.issues[0];
  const field = issue?.path.map(String).join(".") || "input";
  return Validation(field, issue?.message ?? "invalid");
}

/**
 * Refuses input holding text no database can store (NUL, a lone surrogate), naming the field. Every
 * parse of outside input goes through here, so no schema can forget it.
 */
export function assertWellFormedText(input: unknown): void {
  const bad = findIllFormedText(input);
  if (bad) throw Validation(bad.path, bad.problem);
}

/** The same for a query string, each parameter named, including ones no schema declares. */
export function assertWellFormedQuery(params: URLSearchParams): void {
  for (const [key, value] of params) assertWellFormedText({ [key]: value });
}

/** zod parse that raises a Validation AppError naming the field; ill-formed text is refused first. */
export function parseInput<T>(
  schema: {
    safeParse(
      v: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
  input: unknown,
): T {
  assertWellFormedText(input);
  const r = schema.safeParse(input);
  if (!r.success) throw fromZod(r.error);
  return r.data;
}
