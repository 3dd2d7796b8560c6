import pino from "pino";
import { env } from "./env";

function level(): string {
  // A broken environment must not stop us from logging why; env() reports it on its own.
  try {
    return env().LOG_LEVEL;
  } catch {
    return "info";
  }
}

export const REDACTED = "[Redacted]";

/**
 * Field names whose values never reach a log line, at any depth: credentials, cookies, authorization
 * headers, and query parameters (the values a failed database query was called with). Compared without
 * case, `-` or `_`, so `set-cookie`, `Set-Cookie` and `setCookie` are one name.
 */
const SECRET_NAMES = new Set([
  "authorization",
  "proxyauthorization",
  "cookie",
  "cookies",
  "setcookie",
  "password",
  "passwd",
  "secret",
  "token",
  "parameters",
]);
const SECRET_SUFFIXES = [
  "token", // sessionToken, access_token, idToken, csrfToken
  "secret", // clientSecret, NEXTAUTH_SECRET
  "password",
  "cookie",
  "authorization",
  "apikey",
  "privatekey",
  "signingkey",
  "eventkey",
];

export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[-_\s]/g, "");
  return SECRET_NAMES.has(k) || k.includes("secret") || SECRET_SUFFIXES.some((s) => k.endsWith(s));
}

/**
 * Properties database drivers hang on their errors with the values of the failed query: drizzle's
 * DrizzleQueryError and PGlite (`params`), postgres.js (`parameters`, `args`, `types`), and Postgres's
 * DETAIL (`Key (col)=(value) already exists`). The SQL text (`query`) is kept: values are never inlined.
 */
const ERROR_VALUE_FIELDS = new Set(["params", "parameters", "args", "types", "detail"]);

/** drizzle puts the values in the message itself: `Failed query: <sql>\nparams: <values>`. */
const QUERY_PARAMS_IN_MESSAGE = /(Failed query: [\s\S]*?\nparams: )[\s\S]*$/;
/** The same in any text, which may be a stack trace: up to the first frame. */
const QUERY_PARAMS_IN_TEXT = /(Failed query: [\s\S]*?\nparams: )[\s\S]*?(?=\n {4}at |$)/g;

/** An error message without the failed query's values (they end drizzle's message). */
export function scrubMessage(message: string): string {
  return message.replace(QUERY_PARAMS_IN_MESSAGE, `$1${REDACTED}`);
}

/** Any text (a message, a stack, a string field) without drizzle's `params:` values. */
export function scrubText(text: string): string {
  return text.replace(QUERY_PARAMS_IN_TEXT, `$1${REDACTED}`);
}

function scrubStack(stack: string, message: string, safeMessage: string): string {
  // The exact message first (values may contain anything, even text that looks like a frame).
  const replaced = message && message !== safeMessage ? stack.split(message).join(safeMessage) : stack;
  return scrubText(replaced);
}

const MAX_DEPTH = 12;

type Plain = Record<string, unknown>;

function isPlainObject(v: object): v is Plain {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * A copy of a log argument that is safe to write: secret-named fields replaced by "[Redacted]" at any
 * depth, errors turned into plain objects without the query values their drivers attach, strings cleared
 * of drizzle's `params:` suffix. Class instances other than errors are left to pino (and its `redact`).
 */
export function sanitize(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === "string") return scrubText(value);
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) return "[Circular]";
  if (depth >= MAX_DEPTH) return "[Too deep]";
  if (value instanceof Error) return serializeError(value, depth, seen);
  if (Array.isArray(value)) {
    seen.add(value);
    const out = value.map((v) => sanitize(v, depth + 1, seen));
    seen.delete(value);
    return out;
  }
  if (!isPlainObject(value)) return value;
  seen.add(value);
  const out: Plain = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSecretKey(k) ? REDACTED : sanitize(v, depth + 1, seen);
  }
  seen.delete(value);
  return out;
}

/**
 * pino's error serializer, minus what an error must not carry into a log: the failed query's values
 * (wherever the driver put them, including the message and stack) and secret-named fields. Follows
 * `cause` (drizzle wraps the driver's error there).
 */
export function serializeError(err: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (!(err instanceof Error)) return sanitize(err, depth, seen);
  if (seen.has(err)) return "[Circular]";
  seen.add(err);
  const message = typeof err.message === "string" ? err.message : String(err.message);
  const safeMessage = scrubMessage(message);
  const out: Plain = { type: err.constructor?.name ?? err.name, message: safeMessage };
  if (typeof err.stack === "string") out.stack = scrubStack(err.stack, message, safeMessage);
  for (const [k, v] of Object.entries(err)) {
    if (k === "message" || k === "stack" || k === "cause") continue;
    out[k] = isSecretKey(k) || ERROR_VALUE_FIELDS.has(k) ? REDACTED : sanitize(v, depth + 1, seen);
  }
  if (err.cause !== undefined) out.cause = serializeError(err.cause, depth + 1, seen);
  seen.delete(err);
  return out;
}

// For what bypasses the logMethod hook (child bindings, pino's own request/response mapping).
const REDACT_PATHS = [
  ...["token", "secret", "password", "authorization", "cookie", "parameters", "params"].flatMap((k) =>
    k === "params" ? ["err.params", "error.params"] : [k, `*.${k}`],
  ),
  'req.headers["set-cookie"]',
  'res.headers["set-cookie"]',
  "req.headers.cookie",
  "req.headers.authorization",
];

export type LoggerOptions = { level?: string; destination?: pino.DestinationStream };

/**
 * The app's logger (tests build one on their own stream). Every argument of every call goes through
 * sanitize(), so what the project's rule says — never secrets in logs — holds however a call site is
 * written: `logger.error(err)`, `{ err }`, or an error nested in a field.
 */
export function createLogger(opts: LoggerOptions = {}) {
  const options: pino.LoggerOptions = {
    level: opts.level ?? level(),
    base: { app: "elevate" },
    serializers: { err: serializeError, error: serializeError },
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    hooks: {
      logMethod(args, method) {
        const [first, ...rest] = args as unknown[];
        // `logger.error(err)`: pino would take the raw message (query values included) as the line's msg.
        const safe =
          first instanceof Error
            ? [
                { err: first },
                ...(typeof rest[0] === "string" ? rest : [scrubMessage(first.message), ...rest]),
              ]
            : args;
        method.apply(this, safe.map((a) => sanitize(a)) as Parameters<typeof method>);
      },
    },
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}

/** One structured line per event, with org, actor and request/grant ids; never secrets. */
export const logger = createLogger();
