import { bindingIdFor } from "@/lib/clouds/port";

/**
 * A grant's resource set: label `elevate-<grant id>` (the binding id), and a description recording what
 * Okta cannot hold itself: the role, the user and the expiry Elevate enforces (Okta assignments never expire).
 */
export type GrantSet = { grantId: string; roleName: string; userId: string; notAfter: string };

const LABEL = /^elevate-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const DESCRIPTION =
  /^Elevate grant ([0-9a-f-]{36}); role (elevate_[0-9a-f]{20}); user ([A-Za-z0-9]{1,40}); not after (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)$/;

export const grantSetLabel = (grantId: string) => bindingIdFor(grantId);

export function grantIdOfLabel(label: string | undefined): string | null {
  return LABEL.exec(label ?? "")?.[1] ?? null;
}

export function describeGrantSet(s: GrantSet): string {
  return `Elevate grant ${s.grantId}; role ${s.roleName}; user ${s.userId}; not after ${s.notAfter}`;
}

/** Null for anything Elevate did not write in exactly this form. */
export function parseGrantSet(description: string | undefined): GrantSet | null {
  const m = DESCRIPTION.exec(description ?? "");
  return m ? { grantId: m[1], roleName: m[2], userId: m[3], notAfter: m[4] } : null;
}
