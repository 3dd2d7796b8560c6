import type { Cloud } from "@/db/schema";
import { Validation } from "@/lib/errors";
import type { CatalogRole, RawEntry } from "../types";
import { parseAzProviderOperations, parseAzRoleDefinitions } from "./azure";
import { parseGcloudRolesDescribe, parseGcloudRolesList, parseTestablePermissions } from "./gcp";
import { parseKubernetesApiResources } from "./kubernetes";

export const IMPORT_FORMATS = {
  "gcloud-roles-list": "gcp",
  "gcloud-roles-describe": "gcp",
  "gcp-testable-permissions": "gcp",
  "az-role-definition-list": "azure",
  "az-provider-operation-list": "azure",
  "kubernetes-api-resources": "kubernetes",
} as const satisfies Record<string, Cloud>;
export type ImportFormat = keyof typeof IMPORT_FORMATS;

export type ParsedImport = { cloud: Cloud; format: ImportFormat; entries: RawEntry[]; roles: CatalogRole[] };

/** Parses one export of a cloud's catalog. Pure: throws a Validation error naming what is wrong. */
export function parseImport(cloud: Cloud, format: ImportFormat, content: string): ParsedImport {
  if (IMPORT_FORMATS[format] !== cloud)
    throw Validation("format", `${format} is a ${IMPORT_FORMATS[format]} export, not ${cloud}`);
  const parsed = (() => {
    switch (format) {
      case "gcloud-roles-list":
        return parseGcloudRolesList(content);
      case "gcloud-roles-describe":
        return parseGcloudRolesDescribe(content);
      case "gcp-testable-permissions":
        return parseTestablePermissions(content);
      case "az-role-definition-list":
        return parseAzRoleDefinitions(content);
      case "az-provider-operation-list":
        return parseAzProviderOperations(content);
      case "kubernetes-api-resources":
        return parseKubernetesApiResources(content);
    }
  })();
  return { cloud, format, entries: parsed.entries, roles: parsed.roles };
}
