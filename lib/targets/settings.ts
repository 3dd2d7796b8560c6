import { z } from "zod";
import type { AdapterKind } from "@/db/schema";
import {
  credentialVarProblem,
  defaultCredentialsProblem,
  type EgressCloud,
  endpointProblem,
} from "@/lib/clouds/egress";
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
  })
  // Only variables the operator set aside for clouds: a target must not send, say, PATH or a token of another system.
  .superRefine((v, ctx) => {
    const problem = credentialVarProblem(v);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * HTTPS, or plain HTTP to loopback only (local fakes): credentials never travel in clear text. And only
 * the cloud's official hosts, or an origin the server's operator allowlisted (lib/clouds/egress.ts).
 */
const endpoint = (cloud: EgressCloud) =>
  z
    .url()
    .max(500)
    .refine(
      (v) => {
        if (!URL.canParse(v)) return true; // z.url() names that
        const u = new URL(v);
        return u.protocol === "https:" || (u.protocol === "http:" && LOOPBACK.has(u.hostname));
      },
      {
        message: "must be an https:// URL (http:// is accepted for 127.0.0.1 and localhost only)",
        abort: true,
      },
    )
    .superRefine((v, ctx) => {
      const problem = endpointProblem(cloud, v);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    });

/** Ambient credentials are the server's own: refused towards any endpoint but the official ones. */
const ambientOnlyToOfficial =
  (cloud: EgressCloud) => (s: { endpoint?: string; credentials: { type: string } }, ctx: z.RefinementCtx) => {
    if (s.credentials.type !== "default") return;
    const problem = defaultCredentialsProblem(cloud, s.endpoint);
    if (problem) ctx.addIssue({ code: "custom", path: ["credentials"], message: problem });
  };

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

/**
 * Custom roles Elevate may hold in the target, instead of the cloud's documented default (lib/capacity):
 * a quota raised with the provider, or Elevate's share of one it shares with other tools.
 */
const RoleQuota = z.number().int().min(1).max(100_000).optional();

/** AWS region names: https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html */
export const AwsRegions = z.array(
  z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "must be an AWS region such as us-east-1"),
);
const Region = AwsRegions.element;

export const AwsSettings = z
  .strictObject({
    endpoint: endpoint("aws").optional(),
    region: Region.optional(),
    /** Regions grants may act in: written into every statement as an `aws:RequestedRegion` condition. */
    regions: z.array(Region).min(1).max(30).optional(),
    credentials: z.discriminatedUnion("type", [EnvKeys, DefaultChain], {
      error: 'must be {type: "env", accessKeyIdVar, secretAccessKeyVar} or {type: "default"}',
    }),
    principals: Principals,
    roleQuota: RoleQuota,
  })
  .superRefine(ambientOnlyToOfficial("aws"));

export const GcpSettings = z
  .strictObject({
    /** Base URL serving both IAM v1 and Resource Manager v3 (a fake or a private endpoint). */
    endpoint: endpoint("gcp").optional(),
    credentials: z.discriminatedUnion("type", [EnvJson, DefaultChain], {
      error: 'must be {type: "env-json", var} (service-account JSON or access token) or {type: "default"}',
    }),
    principals: Principals,
    roleQuota: RoleQuota,
  })
  .superRefine(ambientOnlyToOfficial("gcp"));

export const AzureSettings = z.strictObject({
  endpoint: endpoint("azure").optional(),
  credentials: z.discriminatedUnion("type", [EnvToken], {
    error: 'must be {type: "env-token", var} (an ARM bearer token)',
  }),
  pim: z.boolean().default(false),
  ca: Ca.optional(),
  principals: Principals,
  roleQuota: RoleQuota,
});

/**
 * A Kubernetes cluster: its API server (always operator-allowlisted, lib/clouds/egress.ts), a bearer token
 * by variable name, and how people are known to the cluster. `subject: "serviceaccount"` gives each grant
 * its own ServiceAccount and a kubeconfig whose TokenRequest token expires with the grant (docs/kubernetes.md).
 */
export const KubernetesSettings = z.strictObject({
  /** The API server, e.g. https://203.0.113.10:6443 (allowlisted by the operator). */
  endpoint: endpoint("kubernetes"),
  credentials: z.discriminatedUnion("type", [EnvToken], {
    error: 'must be {type: "env-token", var} (a bearer token for the API server)',
  }),
  ca: Ca.optional(),
  subject: z.enum(["serviceaccount", "user"]).default("serviceaccount"),
  /** Namespace holding the per-grant ServiceAccounts (serviceaccount mode). */
  serviceAccountNamespace: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, "must be a namespace name (DNS label)")
    .default("elevate-grants"),
  /** Prefixes the cluster's OIDC authenticator adds (--oidc-username-prefix, --oidc-groups-prefix). */
  usernamePrefix: z.string().max(100).default(""),
  groupsPrefix: z.string().max(100).default(""),
  principals: Principals,
  roleQuota: RoleQuota,
});

/**
 * An Okta org: an API token (SSWS) by variable name, and how people are known to Okta (their login). The
 * org URL is https://<external id> unless `endpoint` names another (docs/okta.md).
 */
export const OktaSettings = z.strictObject({
  endpoint: endpoint("okta").optional(),
  credentials: z.discriminatedUnion("type", [EnvToken], {
    error: 'must be {type: "env-token", var} (an Okta API token)',
  }),
  principals: Principals,
  roleQuota: RoleQuota,
});

export const SandboxSettings = z.strictObject({
  propagationDelayMs: z.number().int().min(0).max(3_600_000).optional(),
  principals: Principals,
  roleQuota: RoleQuota,
});

export type AwsSettings = z.output<typeof AwsSettings>;
export type GcpSettings = z.output<typeof GcpSettings>;
export type AzureSettings = z.output<typeof AzureSettings>;
export type KubernetesSettings = z.output<typeof KubernetesSettings>;
export type OktaSettings = z.output<typeof OktaSettings>;
export type TargetSettings =
  | AwsSettings
  | GcpSettings
  | AzureSettings
  | KubernetesSettings
  | OktaSettings
  | z.output<typeof SandboxSettings>;

export const SETTINGS_SCHEMAS = {
  sandbox: SandboxSettings,
  aws: AwsSettings,
  gcp: GcpSettings,
  azure: AzureSettings,
  kubernetes: KubernetesSettings,
  okta: OktaSettings,
} as const satisfies Record<AdapterKind, z.ZodType>;
