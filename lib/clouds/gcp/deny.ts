import { v2 } from "@google-cloud/iam";
import type { AuthClient } from "google-auth-library";

/**
 * IAM v2 deny policies on a project (https://cloud.google.com/iam/docs/deny-overview), through the
 * official client (@google-cloud/iam PoliciesClient) over its REST transport, so a loopback fake and
 * Google's endpoint both work. Deny beats allow: used to freeze a person while their bindings are removed.
 */

/** The attachment point of a project, URL-encoded as the API's `parent` wants it (deny-policies docs). */
export const denyParent = (projectId: string) =>
  `policies/${encodeURIComponent(`cloudresourcemanager.googleapis.com/projects/${projectId}`)}/denypolicies`;

/**
 * A principal in IAM v2 syntax (https://cloud.google.com/iam/docs/principal-identifiers): users as
 * principal://goog/subject/EMAIL, service accounts by their IAM path, groups as a principalSet.
 */
export function v2Principal(principal: string): string {
  const [kind, rest] = principal.includes(":")
    ? [principal.slice(0, principal.indexOf(":")), principal.slice(principal.indexOf(":") + 1)]
    : ["user", principal];
  if (kind === "serviceAccount") return `principal://iam.googleapis.com/projects/-/serviceAccounts/${rest}`;
  if (kind === "group") return `principalSet://goog/group/${rest}`;
  return `principal://goog/subject/${rest}`;
}

/**
 * v1 permission `compute.instances.get` → deny syntax `compute.googleapis.com/instances.get`
 * (https://cloud.google.com/iam/docs/deny-permissions-support: SERVICE_FQDN/RESOURCE.ACTION).
 */
export function v2Permission(permission: string): string {
  const dot = permission.indexOf(".");
  return `${permission.slice(0, dot)}.googleapis.com/${permission.slice(dot + 1)}`;
}

export function policiesClient(url: string, authClient: AuthClient): v2.PoliciesClient {
  const u = new URL(url);
  const protocol = u.protocol === "http:" ? "http" : "https";
  const port = u.port ? Number(u.port) : protocol === "http" ? 80 : 443;
  return new v2.PoliciesClient({
    apiEndpoint: u.hostname,
    port,
    protocol,
    fallback: true,
    authClient: authClient as never,
  });
}

/** Creates the deny policy and waits for the operation (the adapter treats ALREADY_EXISTS as success). */
export async function createDenyPolicy(
  client: v2.PoliciesClient,
  projectId: string,
  deny: { policyId: string; principal: string; permissions: string[] },
): Promise<string> {
  const parent = denyParent(projectId);
  const name = `${parent}/${deny.policyId}`;
  const [operation] = await client.createPolicy({
    parent,
    policyId: deny.policyId,
    policy: {
      displayName: "Elevate freeze",
      rules: [
        {
          description: "Elevate: access frozen by an admin",
          denyRule: {
            deniedPrincipals: [v2Principal(deny.principal)],
            deniedPermissions: [...new Set(deny.permissions.map(v2Permission))],
          },
        },
      ],
    },
  });
  await operation.promise();
  return name;
}

/** Deletes the deny policy (the adapter treats NOT_FOUND as success). */
export async function deleteDenyPolicy(client: v2.PoliciesClient, name: string): Promise<void> {
  const [operation] = await client.deletePolicy({ name });
  await operation.promise();
}
