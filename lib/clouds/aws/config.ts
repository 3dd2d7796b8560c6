import { IAMClient, type IAMClientConfig } from "@aws-sdk/client-iam";
import { assertEgressAllowed } from "@/lib/clouds/egress";

export type AwsPartition = "aws" | "aws-cn" | "aws-us-gov";

export type AwsAdapterConfig = {
  /**
   * Omit for the public IAM endpoint. Others (loopback fakes, VPC endpoints) only when allowlisted by the
   * operator, and never with the default credential chain (lib/clouds/egress.ts).
   */
  endpoint?: string;
  /** IAM is global; the region only picks the signing scope (default us-east-1). */
  region?: string;
  /**
   * Static keys resolved from the target's env-var references, or an SDK credential provider. Omitted:
   * the SDK's default chain (env, profile, SSO, container or instance role) — the usual choice on AWS.
   */
  credentials?: IAMClientConfig["credentials"];
  partition?: AwsPartition;
  /** SDK attempts per call (its own backoff honours Retry-After); callers retry classified errors on top. */
  maxAttempts?: number;
  /** Per-request timeout; a timed-out call is classified retryable. */
  requestTimeoutMs?: number;
};

export function createIamClient(config: AwsAdapterConfig): IAMClient {
  assertEgressAllowed("aws", config.endpoint, { ambientCredentials: config.credentials === undefined });
  return new IAMClient({
    endpoint: config.endpoint,
    region: config.region ?? "us-east-1",
    credentials: config.credentials,
    maxAttempts: config.maxAttempts ?? 3,
    requestHandler: {
      requestTimeout: config.requestTimeoutMs ?? 10_000,
      connectionTimeout: 5_000,
      // Without it the SDK only logs a warning and keeps waiting.
      throwOnRequestTimeout: true,
    },
  });
}
