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
  /** Real public samples used by tests and benchmarks (never copied into the repo). */
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

/** Where the shared datasets live: ELEVATE_DATASETS_DIR, else ../shared/datasets beside the repo. */
export function datasetsDir(): string {
  return env().ELEVATE_DATASETS_DIR ?? path.resolve(process.cwd(), "../shared/datasets");
}

/** True inside Next's Node.js server runtime (not edge, not the build's static analysis). */
export function isNodeServerRuntime(): boolean {
  return process.env.NEXT_RUNTIME === "nodejs" && process.env.NEXT_PHASE !== "phase-production-build";
}
