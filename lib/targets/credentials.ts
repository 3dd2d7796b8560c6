import { createHash } from "node:crypto";
import { credentialVarProblem } from "@/lib/clouds/egress";
import { CloudError } from "@/lib/clouds/port";
import { secretFromEnv } from "@/lib/env";
import type { AwsSettings, AzureSettings, GcpSettings, KubernetesSettings, OktaSettings } from "./settings";

/** A referenced secret is missing: permanent until someone sets it; the message names the variable only. */
export class CredentialsUnavailable extends CloudError {
  constructor(message: string) {
    super("permanent", message);
    this.name = "CredentialsUnavailable";
  }
}

function read(name: string, field: string): string {
  // Checked again at each read: rows saved before the prefix rule, or before the operator changed it.
  const refused = credentialVarProblem(name);
  if (refused) {
    throw new CredentialsUnavailable(`settings.credentials.${field} (${name}) is refused: it ${refused}`);
  }
  const value = secretFromEnv(name);
  if (value === undefined) {
    throw new CredentialsUnavailable(
      `environment variable ${name} is not set on the Elevate server (settings.credentials.${field})`,
    );
  }
  return value;
}

/** The secret material a target's settings point at, resolved now, with a fingerprint for caching. */
export type Resolved<T> = { material: T; fingerprint: string };

const fingerprint = (parts: (string | undefined)[]) =>
  createHash("sha256")
    .update(parts.map((p) => p ?? "").join("\u0000"))
    .digest("hex");

export type AwsKeys = { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | null;

export function resolveAws(s: AwsSettings): Resolved<AwsKeys> {
  const c = s.credentials;
  if (c.type === "default") return { material: null, fingerprint: "default" };
  const keys = {
    accessKeyId: read(c.accessKeyIdVar, "accessKeyIdVar"),
    secretAccessKey: read(c.secretAccessKeyVar, "secretAccessKeyVar"),
    ...(c.sessionTokenVar ? { sessionToken: read(c.sessionTokenVar, "sessionTokenVar") } : {}),
  };
  return {
    material: keys,
    fingerprint: fingerprint([keys.accessKeyId, keys.secretAccessKey, keys.sessionToken]),
  };
}

/** GCP: a service-account (or other credential) JSON, or a bare OAuth access token; null = ADC. */
export type GcpCredential = { json: Record<string, unknown> } | { accessToken: string } | null;

export function resolveGcp(s: GcpSettings): Resolved<GcpCredential> {
  const c = s.credentials;
  if (c.type === "default") return { material: null, fingerprint: "default" };
  const raw = read(c.var, "var").trim();
  if (!raw.startsWith("{")) return { material: { accessToken: raw }, fingerprint: fingerprint([raw]) };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    // Never echo the value: it is a secret even when malformed.
    throw new CredentialsUnavailable(
      `environment variable ${c.var} does not hold valid JSON (expected a service-account key file or an access token)`,
    );
  }
  if (typeof json !== "object" || json === null || typeof (json as { type?: unknown }).type !== "string") {
    throw new CredentialsUnavailable(
      `environment variable ${c.var} holds JSON without a "type" (expected a service-account key file)`,
    );
  }
  return { material: { json: json as Record<string, unknown> }, fingerprint: fingerprint([raw]) };
}

export function resolveAzure(s: AzureSettings): Resolved<string> {
  const token = read(s.credentials.var, "var").trim();
  return { material: token, fingerprint: fingerprint([token]) };
}

/** Kubernetes: the API server's bearer token (a ServiceAccount token or an OIDC token of Elevate's own). */
export function resolveKubernetes(s: KubernetesSettings): Resolved<string> {
  const token = read(s.credentials.var, "var").trim();
  return { material: token, fingerprint: fingerprint([token]) };
}

/** Okta: an API token, sent as `Authorization: SSWS <token>`. */
export function resolveOkta(s: OktaSettings): Resolved<string> {
  const token = read(s.credentials.var, "var").trim();
  return { material: token, fingerprint: fingerprint([token]) };
}
