import { createHash } from "node:crypto";
import { CloudError } from "@/lib/clouds/port";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ROLE_NAME = /^Elevate ([a-f0-9]{16,64})$/;
const GRANT_ID = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;
const AUTH = "/providers/Microsoft.Authorization";

const invalid = (what: string) => new CloudError("permanent", `azure: invalid ${what}`);

/** A stable GUID (UUID v8 layout) named by `text`: the same input always yields the same ARM resource name. */
export function guidFrom(text: string): string {
  const h = createHash("sha256").update(text).digest("hex");
  const variant = ((Number.parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function subscriptionScope(externalId: string): string {
  if (!GUID.test(externalId)) throw invalid(`subscription id "${externalId}"`);
  return `/subscriptions/${externalId.toLowerCase()}`;
}

/** Only Elevate's content-addressed roles ("Elevate <hash>") can be assigned: never Owner or other built-ins. */
export function roleGuid(roleName: string): string {
  const m = ROLE_NAME.exec(roleName);
  if (!m) throw invalid(`role name "${roleName}"`);
  return guidFrom(`elevate-role:${m[1]}`);
}

export const roleDefinitionId = (scope: string, guid: string) => `${scope}${AUTH}/roleDefinitions/${guid}`;
export const guidOfId = (id: string | undefined) => (id ?? "").split("/").at(-1)?.toLowerCase() ?? "";

/** Entra object id of the user: a GUID, nothing else. */
export function principalId(principal: string): string {
  if (!GUID.test(principal)) throw invalid("principal (expected an Entra object id GUID)");
  return principal.toLowerCase();
}

export function checkGrantId(grantId: string): string {
  if (!GRANT_ID.test(grantId)) throw invalid(`grant id "${grantId}"`);
  return grantId;
}

export function grantIdOf(bindingId: string): string {
  return checkGrantId(bindingId.startsWith("elevate-") ? bindingId.slice(8) : "");
}

/** Azure allows one assignment per (principal, role, scope): its name is derived from that triple. */
export const assignmentName = (scope: string, role: string, principal: string) =>
  guidFrom(`elevate-assignment:${scope}:${role}:${principal}`);
