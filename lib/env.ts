import path from "node:path";
import { z } from "zod";

const Env = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.string().url().optional(),
  ELEVATE_DATA_DIR: z.string().default(".data"),
  ELEVATE_DEMO: z.enum(["0", "1"]).optional(),
  ELEVATE_ORG_SLUG: z.string().default("acme"),
  ELEVATE_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(200).default(15_000),
  ELEVATE_RECONCILER: z.enum(["on", "off"]).default("on"),
  /**
   * On Postgres, expiry revocations run on their own worker thread with their own connections, so page
   * rendering and provisioning on the main thread cannot delay them ("off": the main thread's lane).
   */
  ELEVATE_REVOCATION_THREAD: z.enum(["on", "off"]).default("on"),
  /** This process's name in the audit of what it revoked (default host:pid); several instances differ. */
  ELEVATE_INSTANCE_ID: z.string().min(1).max(100).optional(),
  OIDC_ISSUER: z.string().url().optional(),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  OIDC_GROUPS_CLAIM: z.string().default("groups"),
  OIDC_NAME: z.string().default("Single sign-on"),
  /** Scopes asked of the IdP; add the one that releases the groups claim if yours needs it (Okta: "groups"). */
  OIDC_SCOPE: z.string().default("openid email profile"),
  NEXTAUTH_SECRET: z.string().min(16).optional(),
  NEXTAUTH_URL: z.string().url().optional(),
  INNGEST_EVENT_KEY: z.string().optional(),
  INNGEST_SIGNING_KEY: z.string().optional(),
  INNGEST_BASE_URL: z.string().url().optional(),
  /** "1" runs against an Inngest dev server (no signing), "0" forces cloud mode; a URL is the dev server. */
  INNGEST_DEV: z.string().optional(),
  /** Real public samples used by tests: by default the trimmed copies in lib/catalog/data (see datasetsDir). */
  ELEVATE_DATASETS_DIR: z.string().optional(),
  /** Opt-in live AWS contract run (lib/clouds/aws/README.md): the account, an existing IAM user/role ARN. */
  ELEVATE_LIVE_AWS: z.enum(["0", "1"]).optional(),
  ELEVATE_LIVE_AWS_ACCOUNT_ID: z
    .string()
    .regex(/^\d{12}$/)
    .optional(),
  ELEVATE_LIVE_AWS_PRINCIPAL: z.string().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Opt-in live adapter contract runs (the `.live.ts` files in lib/clouds); never needed by the app. */
  ELEVATE_LIVE_GCP_PROJECT: z.string().optional(),
  ELEVATE_LIVE_GCP_PRINCIPAL: z.string().optional(),
  ELEVATE_LIVE_AZURE_SUBSCRIPTION: z.string().optional(),
  ELEVATE_LIVE_AZURE_PRINCIPAL: z.string().optional(),
  ELEVATE_LIVE_AZURE_TOKEN: z.string().optional(),
  ELEVATE_LIVE_AZURE_PIM: z.enum(["0", "1"]).optional(),
  /**
   * Origins targets may call besides the clouds' official hosts (fakes, VPC or private endpoints):
   * comma-separated exact origins, `:*` as the port on loopback only. Ignored in production unless
   * ELEVATE_ALLOW_ENDPOINT_OVERRIDE_IN_PRODUCTION=1. Rules: lib/clouds/egress.ts, docs/security.md.
   */
  ELEVATE_ENDPOINT_ALLOWLIST: z.string().optional(),
  ELEVATE_ALLOW_ENDPOINT_OVERRIDE_IN_PRODUCTION: z.enum(["0", "1"]).optional(),
  /** Outgoing mail (lib/delivery/email.ts): an SMTP URL nodemailer understands (smtp://user:pass@host:587, smtps://…). */
  ELEVATE_SMTP_URL: z.string().url().optional(),
  /** The From of Elevate's mail, e.g. "Elevate <elevate@example.com>". */
  ELEVATE_MAIL_FROM: z.string().min(3).optional(),
  /** Slack app (lib/slack): the bot token (chat:write, users:read, users:read.email) and the signing secret. */
  SLACK_BOT_TOKEN: z.string().min(1).optional(),
  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  /** The Slack Web API base (default https://slack.com/api/); tests point it at a loopback fake. */
  SLACK_API_URL: z.string().url().optional(),
  /** A channel id for approval requests; unset: each approver who chose Slack gets a DM. */
  SLACK_APPROVER_CHANNEL: z.string().min(1).optional(),
  /** The people CLI (`elevate request`, `approve`, `assume`…): the portal's address and a personal API token. */
  ELEVATE_URL: z.string().url().optional(),
  ELEVATE_TOKEN: z.string().min(1).optional(),
  /** Where `elevate login` keeps the token it received (default ~/.config/elevate), file mode 0600. */
  ELEVATE_CONFIG_DIR: z.string().min(1).optional(),
  /** How often queued notifications are collected and delivered in this process (lib/notify/loop.ts). */
  ELEVATE_NOTIFY_INTERVAL_MS: z.coerce.number().int().min(50).default(2_000),
  /** Step-up: a decision that requires it counts only from a sign-in at most this old (seconds). */
  ELEVATE_STEP_UP_MAX_AGE_SECONDS: z.coerce.number().int().min(30).default(300),
  /**
   * Risks whose approval needs step-up when the request's policy outcome does not say (comma-separated;
   * empty: none). The test configuration empties it; suites that test step-up set it.
   */
  ELEVATE_STEP_UP_RISKS: z
    .string()
    .regex(
      /^((low|medium|high)(,(low|medium|high))*)?$/,
      "must be a comma-separated list of low, medium, high",
    )
    .default("high"),
  /**
   * How many reverse proxies in front of the server set X-Forwarded-Host/-Proto (0 or unset: none, so
   * those headers are ignored and the Host header counts). With N, the value the N-th proxy from the
   * server appended is used. Rules: lib/auth/same-origin.ts, docs/security.md.
   */
  ELEVATE_TRUSTED_PROXY: z.coerce
    .number()
    .int("must be a hop count: 0, 1, 2, …")
    .min(0, "must be a hop count: 0, 1, 2, …")
    .max(10)
    .optional(),
  /**
   * Rate limits on writes (lib/ratelimit/limits.ts, docs/security.md): hits per window. Defaults suit
   * people; tests raise them so suites that submit many requests from one persona are not refused.
   */
  ELEVATE_RATE_LIMIT_SUBMIT_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  ELEVATE_RATE_LIMIT_DECIDE_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  ELEVATE_RATE_LIMIT_TOKENS_PER_HOUR: z.coerce.number().int().min(1).default(10),
  ELEVATE_RATE_LIMIT_DEMO_SIGNIN_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  /**
   * Audit signing (lib/audit/keys.ts, docs/audit.md): an Ed25519 private key as PEM, or the path of a PEM
   * file. Unset: embedded mode (no DATABASE_URL) and non-production generate one into ELEVATE_DATA_DIR with
   * a warning; production on Postgres runs with checkpoints off and logs an error (docs/decisions.md).
   */
  ELEVATE_AUDIT_SIGNING_KEY: z.string().min(1).optional(),
  /** A signed checkpoint after this many new events, or after ELEVATE_AUDIT_CHECKPOINT_MINUTES with any. */
  ELEVATE_AUDIT_CHECKPOINT_EVERY: z.coerce.number().int().min(1).default(1000),
  ELEVATE_AUDIT_CHECKPOINT_MINUTES: z.coerce.number().int().min(1).default(60),
  /** Where checkpoints are also written: a directory, or s3://bucket/prefix (Object Lock). Unset: none. */
  ELEVATE_AUDIT_ANCHOR: z.string().min(1).optional(),
  /** An S3-compatible endpoint for the anchor (subject to ELEVATE_ENDPOINT_ALLOWLIST like cloud endpoints). */
  ELEVATE_AUDIT_ANCHOR_S3_ENDPOINT: z.string().url().optional(),
  ELEVATE_AUDIT_ANCHOR_S3_REGION: z.string().min(1).default("us-east-1"),
  /** Object Lock retention (COMPLIANCE mode) given to each anchored object, in days. */
  ELEVATE_AUDIT_ANCHOR_LOCK_DAYS: z.coerce.number().int().min(1).max(36_500).default(2555),
  /** Audit events older than this are exported to the anchor and purged behind a signed cut. Unset: kept. */
  ELEVATE_AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).optional(),
  /** PagerDuty REST API v2 token for on-call auto-approval (lib/oncall); unset: nobody is on call. */
  PAGERDUTY_API_TOKEN: z.string().min(1).optional(),
  /** Default https://api.pagerduty.com; another origin must be in ELEVATE_ENDPOINT_ALLOWLIST. */
  PAGERDUTY_API_URL: z.url().optional(),
  /** How long a service's on-call answer is reused (default 60 s). */
  ELEVATE_ONCALL_CACHE_TTL_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
  /** Targets may name as credentials only variables starting with this prefix (comma-separate several). */
  ELEVATE_CLOUD_CREDENTIAL_PREFIX: z
    .string()
    .regex(
      /^[A-Z][A-Z0-9_]*_(,[A-Z][A-Z0-9_]*_)*$/,
      "must be one or more comma-separated prefixes like ELEVATE_CLOUD_ (capitals, digits, _; ending in _)",
    )
    .default("ELEVATE_CLOUD_"),
});

export type Env = z.infer<typeof Env> & {
  demoMode: boolean;
  dbKind: "pglite" | "postgres";
  workflowsKind: "inline" | "inngest";
  authSecret: string;
};

let cached: Env | undefined;

/** The only reader of process.env. Parsed once; tests may call resetEnv() after changing it. */
export function env(): Env {
  if (cached) return cached;
  const parsed = Env.safeParse(process.env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid environment: ${issues}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === "production";
  // Demo personas are on only when asked for, or by default outside production without an IdP.
  const demoMode = e.ELEVATE_DEMO === "1" || (e.ELEVATE_DEMO !== "0" && !e.OIDC_ISSUER && !production);
  // `next build` evaluates server modules with NODE_ENV=production but no runtime secrets: check at run time.
  const building = process.env.NEXT_PHASE === "phase-production-build";
  if (production && !building && !e.NEXTAUTH_SECRET) {
    throw new Error("Invalid environment: NEXTAUTH_SECRET is required in production");
  }
  cached = {
    ...e,
    demoMode,
    dbKind: e.DATABASE_URL ? "postgres" : "pglite",
    workflowsKind:
      e.INNGEST_SIGNING_KEY || e.INNGEST_BASE_URL || inngestDevRequested(e.INNGEST_DEV)
        ? "inngest"
        : "inline",
    authSecret: e.NEXTAUTH_SECRET ?? "elevate-development-secret-not-for-production",
  };
  return cached;
}

/**
 * True for a URL on the local machine (localhost, *.localhost, 127.0.0.0/8, [::1]), which no other machine
 * can reach: browsers treat it as a secure context, so plain http is acceptable there, and only there.
 */
export function isLoopbackUrl(value: string | undefined): boolean {
  if (!value || !URL.canParse(value)) return false;
  const host = new URL(value).hostname;
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    host === "[::1]" ||
    /^127(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(host)
  );
}

/**
 * Why a production server must not start with these variables (empty when it may): sessions signed with
 * a known secret, or session cookies sent in clear. Pure, so it is tested without touching process.env.
 */
export function productionConfigProblems(vars: Record<string, string | undefined>): string[] {
  if (vars.NODE_ENV !== "production") return [];
  const problems: string[] = [];
  const secret = vars.NEXTAUTH_SECRET;
  if (!secret) {
    problems.push(
      "NEXTAUTH_SECRET is not set: sessions would be signed with a public development secret (generate one with `openssl rand -base64 32`)",
    );
  } else if (secret.length < 16) {
    problems.push("NEXTAUTH_SECRET is shorter than 16 characters: use at least 32 random bytes");
  }
  const url = vars.NEXTAUTH_URL;
  if (!url) {
    problems.push(
      "NEXTAUTH_URL is not set: give the portal's public https address, e.g. https://elevate.example.com",
    );
  } else if (!URL.canParse(url)) {
    problems.push(`NEXTAUTH_URL is not a URL: ${url}`);
  } else {
    const { protocol } = new URL(url);
    if (protocol !== "https:" && !(protocol === "http:" && isLoopbackUrl(url))) {
      problems.push(
        `NEXTAUTH_URL must be an https address in production (plain http only on localhost), not ${url}: session cookies would travel in clear`,
      );
    }
  }
  return problems;
}

/** The start-up check on this process's environment (instrumentation.ts runs it before serving). */
export function startupConfigProblems(): string[] {
  return productionConfigProblems(process.env);
}

/** INNGEST_DEV asks for the dev server unless it is unset, "0" or "false" (the SDK's own reading). */
export function inngestDevRequested(value: string | undefined): boolean {
  return value !== undefined && value !== "" && value !== "0" && value.toLowerCase() !== "false";
}

/** Names of Elevate's own configuration: a target may not reference them as its cloud credentials. */
const OWN_CONFIG = new Set<string>([...Object.keys(Env.shape), "NEXTAUTH_SECRET", "DATABASE_URL"]);

/**
 * A cloud secret that a target's settings reference by name, read at the moment of use and never cached
 * here. Undefined when unset or empty, or when the name is not a plain env name or is Elevate's own
 * configuration (so an admin cannot turn a target into a way to send the database URL to an endpoint).
 */
export function secretFromEnv(name: string): string | undefined {
  if (!/^[A-Z][A-Z0-9_]{0,127}$/.test(name) || isOwnConfigVar(name)) return undefined;
  const value = process.env[name];
  return value === undefined || value === "" ? undefined : value;
}

export function isOwnConfigVar(name: string): boolean {
  return OWN_CONFIG.has(name) || name.startsWith("NEXTAUTH_") || name.startsWith("OIDC_");
}

export function resetEnv(): void {
  cached = undefined;
}

export const VERSION = "0.1.0";

/**
 * Where the test datasets live: ELEVATE_DATASETS_DIR (a folder holding an upstream iam-dataset snapshot), else
 * the trimmed copies shipped in lib/catalog/data (licence and source in lib/catalog/data/iam-dataset/SOURCE.md).
 */
export function datasetsDir(): string {
  return env().ELEVATE_DATASETS_DIR ?? path.resolve(process.cwd(), "lib/catalog/data");
}

/** True inside Next's Node.js server runtime (not edge, not the build's static analysis). */
export function isNodeServerRuntime(): boolean {
  return process.env.NEXT_RUNTIME === "nodejs" && process.env.NEXT_PHASE !== "phase-production-build";
}
