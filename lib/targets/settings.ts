import { z } from "zod";
import type { AdapterKind } from "@/db/schema";
import { isOwnConfigVar } from "@/lib/env";

/** An environment variable's name: settings hold names only, never the secret itself. */
export const ENV_NAME = /^[A-Z][A-Z0-9_]{0,127}$/;

const EnvName = z
  .string()
  .trim()
  .regex(ENV_NAME, "must be the name of an environment variable (A-Z, 0-9, _), not the secret itself")
  // AWS access key ids happen to match the name pattern: refuse the obvious paste.
  .refine((v) => !/^(AKIA|ASIA)[A-Z0-9]{16}$/.test(v), {
    message: "looks like an AWS access key id; give the name of the environment variable that holds it",
  })
  .refine((v) => !isOwnConfigVar(v), {
    message: "names Elevate's own configuration; use a separate variable",
  });

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** HTTPS, or plain HTTP to loopback only (local fakes): credentials never travel in clear text. */
const Endpoint = z
  .url()
  .max(500)
  .refine(
    (v) => {
      const u = new URL(v);
      return u.protocol === "https:" || (u.protocol === "http:" && LOOPBACK.has(u.hostname));
    },
    { message: "must be an https:// URL (http:// is accepted for 127.0.0.1 and localhost only)" },
  );

const Ca = z
  .string()
  .trim()
  .max(20_000)
  .regex(/^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----$/, "must be a PEM certificate");

export const EnvKeys = z.strictObject({
  type: z.literal("env"),
  accessKeyIdVar: EnvName,
  secretAccessKeyVar: EnvName,
  sessionTokenVar: EnvName.optional(),
});
export const EnvJson = z.strictObject({ type: z.literal("env-json"), var: EnvName });
export const EnvToken = z.strictObject({ type: z.literal("env-token"), var: EnvName });
export const DefaultChain = z.strictObject({ type: z.literal("default") });

/**
 * How people are known in the cloud, by sign-in e-mail: an IAM user or role ARN (AWS), a Google account
 * (GCP), an Entra object id (Azure). People not listed are bound under their sign-in e-mail.
 */
const Principals = z
  .record(z.email("keys must be e-mail addresses"), z.string().trim().min(1).max(300))
  .refine((m) => Object.keys(m).length <= 5000, { message: "at most 5,000 people" })
  .optional();

const Region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "must be an AWS region such as us-east-1");

export const AwsSettings = z.strictObject({
  endpoint: Endpoint.optional(),
  region: Region.optional(),
  /** Regions grants may act in: written into every statement as an `aws:RequestedRegion` condition. */
  regions: z.array(Region).min(1).max(30).optional(),
  credentials: z.discriminatedUnion("type", [EnvKeys, DefaultChain], {
    error: 'must be {type: "env", accessKeyIdVar, secretAccessKeyVar} or {type: "default"}',
  }),
  principals: Principals,
});

export const GcpSettings = z.strictObject({
  /** Base URL serving both IAM v1 and Resource Manager v3 (a fake or a private endpoint). */
  endpoint: Endpoint.optional(),
  credentials: z.discriminatedUnion("type", [EnvJson, DefaultChain], {
    error: 'must be {type: "env-json", var} (service-account JSON or access token) or {type: "default"}',
  }),
  principals: Principals,
});

export const AzureSettings = z.strictObject({
  endpoint: Endpoint.optional(),
  credentials: z.discriminatedUnion("type", [EnvToken], {
    error: 'must be {type: "env-token", var} (an ARM bearer token)',
  }),
  pim: z.boolean().default(false),
  ca: Ca.optional(),
  principals: Principals,
});

export const SandboxSettings = z.strictObject({
  propagationDelayMs: z.number().int().min(0).max(3_600_000).optional(),
  principals: Principals,
});

export type AwsSettings = z.output<typeof AwsSettings>;
export type GcpSettings = z.output<typeof GcpSettings>;
export type AzureSettings = z.output<typeof AzureSettings>;
export type TargetSettings = AwsSettings | GcpSettings | AzureSettings | z.output<typeof SandboxSettings>;

export const SETTINGS_SCHEMAS = {
  sandbox: SandboxSettings,
  aws: AwsSettings,
  gcp: GcpSettings,
  azure: AzureSettings,
} as const satisfies Record<AdapterKind, z.ZodType>;
