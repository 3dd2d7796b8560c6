import { LimitExceeded, Validation } from "@/lib/errors";
import type { Catalog } from "./catalog";

export const GCP_MAX_PERMISSIONS = 3000;
export const GCP_PROJECT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

/** Custom roles refuse NOT_SUPPORTED permissions; TESTING ones work but may change, so say so. */
export function checkGcpPermissions(catalog: Catalog, permissions: string[], notes: string[]): void {
  if (permissions.length > GCP_MAX_PERMISSIONS) {
    throw LimitExceeded(
      `a GCP custom role holds at most ${GCP_MAX_PERMISSIONS} permissions; this one has ${permissions.length}`,
      "permissions",
    );
  }
  const unsupported = permissions.filter((p) => catalog.get("gcp", p)?.customRoleSupport === "NOT_SUPPORTED");
  if (unsupported.length) {
    throw Validation(
      "permissions",
      `not supported in GCP custom roles: ${unsupported.slice(0, 10).join(", ")}`,
    );
  }
  const testing = permissions.filter((p) => catalog.get("gcp", p)?.customRoleSupport === "TESTING");
  if (testing.length) notes.push(`GCP supports these in custom roles only in testing: ${testing.join(", ")}`);
}
