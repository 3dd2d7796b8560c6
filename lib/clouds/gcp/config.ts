import { ProjectsClient } from "@google-cloud/resource-manager";
import { type AuthClient, GoogleAuth } from "google-auth-library";
import { assertEgressAllowed } from "@/lib/clouds/egress";
import { DEFAULT_RETRY, type RetryPolicy } from "./retry";

export type GcpAdapterConfig = {
  /** Authorized client; default: Application Default Credentials with the cloud-platform scope. */
  authClient?: AuthClient;
  /** IAM v1 (custom roles) base URL; default https://iam.googleapis.com. */
  iamUrl?: string;
  /** Resource Manager v3 base URL (REST); default https://cloudresourcemanager.googleapis.com. */
  resourceManagerUrl?: string;
  /** Policy Troubleshooter (the access check after bind); default https://policytroubleshooter.googleapis.com. */
  troubleshooterUrl?: string;
  /** Per HTTP request; a timeout is a retryable failure. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Read-modify-write attempts of the project policy when its etag changed underneath (409 ABORTED). */
  policyAttempts?: number;
  /** The clock the access check evaluates conditions at (tests move it past an expiry). */
  now?: () => number;
};

export type GcpSettings = Required<Omit<GcpAdapterConfig, "authClient" | "retry" | "now">> & {
  retry: RetryPolicy;
};

/** Other base URLs than Google's only when allowlisted, and never with Application Default Credentials. */
export function gcpSettings(config: GcpAdapterConfig): GcpSettings {
  const ambientCredentials = config.authClient === undefined;
  assertEgressAllowed("gcp", config.iamUrl, { ambientCredentials });
  assertEgressAllowed("gcp", config.resourceManagerUrl, { ambientCredentials });
  assertEgressAllowed("gcp", config.troubleshooterUrl, { ambientCredentials });
  return {
    iamUrl: config.iamUrl ?? "https://iam.googleapis.com",
    resourceManagerUrl: config.resourceManagerUrl ?? "https://cloudresourcemanager.googleapis.com",
    troubleshooterUrl: config.troubleshooterUrl ?? "https://policytroubleshooter.googleapis.com",
    timeoutMs: config.timeoutMs ?? 30_000,
    retry: { ...DEFAULT_RETRY, ...config.retry },
    policyAttempts: config.policyAttempts ?? 6,
  };
}

export async function defaultAuthClient(): Promise<AuthClient> {
  const auth = new GoogleAuth({ scopes: ["https://www.googleapis.com/auth/cloud-platform"] });
  return (await auth.getClient()) as AuthClient;
}

/** REST transport ("fallback"), so a loopback fake and a proxy-friendly HTTPS endpoint both work. */
export function projectsClient(url: string, authClient: AuthClient): ProjectsClient {
  const u = new URL(url);
  const protocol = u.protocol === "http:" ? "http" : "https";
  const port = u.port ? Number(u.port) : protocol === "http" ? 80 : 443;
  return new ProjectsClient({
    apiEndpoint: u.hostname,
    port,
    protocol,
    fallback: true,
    authClient: asGax(authClient),
  });
}

type GaxAuthClient = NonNullable<NonNullable<ConstructorParameters<typeof ProjectsClient>[0]>["authClient"]>;
// google-gax pins its own copy of google-auth-library: same classes at runtime, distinct types at compile time.
const asGax = (client: AuthClient) => client as unknown as GaxAuthClient;
