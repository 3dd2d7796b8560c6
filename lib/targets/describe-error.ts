import { CLOUD_LABELS, type Cloud } from "@/db/schema/enums";
import { isNetworkFailure, scrubNetworkDetail, UNREACHABLE } from "@/lib/clouds/egress";
import { CloudError } from "@/lib/clouds/port";
import { CredentialsUnavailable } from "./credentials";

const CLOUD_NAME: Record<Cloud, string> = CLOUD_LABELS;

const AWS_BAD_CREDENTIALS = new Set([
  "InvalidClientTokenId",
  "SignatureDoesNotMatch",
  "UnrecognizedClient",
  "ExpiredToken",
  "InvalidAccessKeyId",
  "IncompleteSignature",
  "MissingAuthenticationToken",
  "AuthFailure",
]);
const AWS_DENIED = new Set(["AccessDenied", "UnauthorizedOperation"]);
const TLS = /self[- ]signed certificate|unable to verify|certificate has expired|altnames|UNABLE_TO_VERIFY/i;

const MAX = 300;
/** Clipped, and without URLs, addresses, ports or system error codes: a test must not work as a port scan. */
const clip = (text: string) => {
  const s = scrubNetworkDetail(text);
  return s.length > MAX ? `${s.slice(0, MAX)}…` : s;
};

/**
 * What went wrong, in words an admin can act on; the cloud's own code is kept in parentheses. Nothing
 * about the network behind the endpoint: no address, port or system error (ECONNREFUSED and the like).
 */
export function describeConnectionError(cloud: Cloud, scope: string, err: unknown): string {
  const name = CLOUD_NAME[cloud];
  if (err instanceof CredentialsUnavailable) return err.message;
  const message = err instanceof Error ? err.message : String(err);
  if (cloud === "aws" && /CredentialsProviderError|Could not load credentials/i.test(message)) {
    return "no AWS credentials found in the SDK default chain (CredentialsProviderError)";
  }
  if (/Could not load the default credentials/i.test(message)) {
    return "no Google Cloud application default credentials on the Elevate server";
  }
  const tls = TLS.exec(message);
  if (tls) {
    return `${name}'s TLS certificate is not trusted (${tls[0]}): give the endpoint's CA as a PEM in settings.ca`;
  }
  if (isNetworkFailure(err) || message.endsWith(UNREACHABLE)) {
    return `could not reach ${name}: check the endpoint and the network`;
  }
  if (!(err instanceof CloudError)) return clip(`${name}: ${message}`);

  if (cloud === "aws") {
    const code = /^AWS IAM \w+: (\w+):/.exec(message)?.[1] ?? "";
    if (AWS_BAD_CREDENTIALS.has(code)) return `credentials rejected by AWS (${code})`;
    if (AWS_DENIED.has(code)) {
      return `AWS accepted the credentials but denied listing IAM roles and policies (${code}); attach Elevate's IAM policy to this identity`;
    }
    if (code === "Timeout" || err.kind === "retryable") return clip(`AWS did not answer cleanly: ${message}`);
    return clip(message);
  }

  // GCP, Azure and Okta messages read "<cloud> <op>: <http> <status/code>: <text>".
  const m = /^(?:gcp|azure|okta) [\w.]+: (\d{3})(?: (\w+))?:/.exec(message);
  const http = m ? Number(m[1]) : undefined;
  const code = m?.[2] ? `${http} ${m[2]}` : String(http ?? err.kind);
  if (http === 401) return `credentials rejected by ${name} (${code})`;
  if (http === 403) {
    return `${name} accepted the credentials but denied reading roles and the IAM policy of ${scope} (${code})`;
  }
  if (http === 404) return `${name} could not find ${scope} (${code})`;
  return clip(message);
}
