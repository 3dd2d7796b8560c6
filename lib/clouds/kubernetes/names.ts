import { bindingIdFor } from "@/lib/clouds/port";

/** Labels on everything Elevate creates in a cluster: listManaged finds them, unbind finds a grant's. */
export const MANAGED = "app.kubernetes.io/managed-by";
export const GRANT = "elevate.dev/grant";
export const ORG = "elevate.dev/org";
export const NOT_AFTER = "elevate.dev/not-after";
export const MANAGED_SELECTOR = `${MANAGED}=elevate`;

/** A binding id is `elevate-<grant id>` (port.ts); the grant id is a UUID. */
export function grantIdOf(bindingId: string): string | undefined {
  const m = /^elevate-([0-9a-f-]{36})$/.exec(bindingId);
  return m?.[1];
}

export const serviceAccountName = (grantId: string) => bindingIdFor(grantId);

/** How a ServiceAccount authenticates (https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/). */
export const serviceAccountUser = (namespace: string, name: string) =>
  `system:serviceaccount:${namespace}:${name}`;
export const serviceAccountGroups = (namespace: string) => [
  "system:serviceaccounts",
  `system:serviceaccounts:${namespace}`,
  "system:authenticated",
];
