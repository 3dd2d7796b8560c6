import type { Cloud } from "@/db/schema";

/**
 * How a permission compares across logs and roles: AWS IAM actions and Azure operations are
 * case-insensitive (CloudTrail writes `GetObject`, policies often `getobject`); GCP permissions are exact.
 */
export function permissionKey(cloud: Cloud, permission: string): string {
  return cloud === "gcp" ? permission : permission.toLowerCase();
}
