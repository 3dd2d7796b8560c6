import { AuthorizationManagementClient } from "@azure/arm-authorization";
import type { TokenCredential } from "@azure/core-auth";
import { assertEgressAllowed } from "@/lib/clouds/egress";
import { DEFAULT_RETRY, type RetryPolicy } from "@/lib/clouds/gcp/retry";

export type AzureAdapterConfig = {
  /** Entra credential for ARM (e.g. `@azure/identity`'s DefaultAzureCredential, not bundled here). */
  credential: TokenCredential;
  /** ARM base URL; default https://management.azure.com. Others only when allowlisted (lib/clouds/egress.ts). */
  endpoint?: string;
  /** Extra CA (PEM) to trust, e.g. a loopback fake's self-signed certificate. */
  ca?: string;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** The clock the access check evaluates at (tests move it). */
  now?: () => number;
};

export type AzureSettings = { endpoint: string; timeoutMs: number; retry: RetryPolicy };

export function azureSettings(config: AzureAdapterConfig): AzureSettings {
  assertEgressAllowed("azure", config.endpoint, { ambientCredentials: false });
  return {
    endpoint: config.endpoint ?? "https://management.azure.com",
    timeoutMs: config.timeoutMs ?? 30_000,
    retry: { ...DEFAULT_RETRY, ...config.retry },
  };
}

/** One client per subscription; the SDK's own retries are off so the adapter classifies and bounds them. */
export function authorizationClient(
  config: AzureAdapterConfig,
  subscriptionId: string,
): AuthorizationManagementClient {
  const s = azureSettings(config);
  return new AuthorizationManagementClient(config.credential, subscriptionId, {
    endpoint: s.endpoint,
    credentialScopes: [`${new URL(s.endpoint).origin}/.default`],
    retryOptions: { maxRetries: 0 },
    ...(config.ca ? { tlsOptions: { ca: config.ca } } : {}),
  });
}
