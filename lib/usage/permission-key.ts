import type { Cloud } from "@/db/schema";
import { normalise } from "@/lib/catalog/catalog";

/**
 * How a permission compares across logs and roles, the catalog's own rule: AWS IAM actions and Azure
 * operations are case-insensitive (CloudTrail writes `GetObject`, policies often `getobject`); GCP's exact.
 */
export function permissionKey(cloud: Cloud, permission: string): string {
  return normalise(cloud, permission);
}
