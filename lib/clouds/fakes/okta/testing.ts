import type { RoleSpec } from "@/db/schema";
import { parseOktaResource } from "@/lib/clouds/okta/resources";
import { buildOktaRole } from "@/lib/clouds/okta/role";
import type { TargetRow } from "@/lib/clouds/port";
import { targetRow } from "@/lib/testing/target-row";

/** A targets row for an Okta org, as the database would hold it, without a database. */
export function oktaTarget(domain = "acme.okta.com", settings: Record<string, unknown> = {}): TargetRow {
  return targetRow("okta", { name: `okta ${domain}`, externalId: domain, settings });
}

/** A RoleSpec for Okta straight from the Okta half of the role builder (adapter tests without a catalog). */
export function oktaRoleSpec(permissions: string[], resource: string | null): RoleSpec {
  const named = resource === null ? null : parseOktaResource(resource);
  if (resource !== null && !named) throw new Error(`not an Okta resource: ${resource}`);
  const role = buildOktaRole(permissions, named ? [named] : null);
  return {
    cloud: "okta",
    permissions,
    resource,
    hash: role.hash,
    roleName: role.roleName,
    document: role.document,
    binding: role.binding,
  };
}
