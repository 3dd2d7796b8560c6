// Public face of the permission catalog, templates' permission checks and the role builder.
export { buildCatalog, Catalog } from "./catalog";
export { elevateManagementPermissions, isElevateManagement, isElevateRole } from "./elevate-management";
export { type CatalogVersionDto, importCatalog } from "./import-catalog";
export { IMPORT_FORMATS, type ImportFormat, parseImport } from "./importers";
export { catalogWith, loadBaseCatalog, loadOrgCatalog, permissionIndex } from "./load";
export {
  buildCheckedRoleSpec,
  expandCatalogPermissions,
  listCatalogVersions,
  type PermissionDto,
} from "./queries";
export {
  kindOfPlaceholder,
  type ParsedResource,
  parseResource,
  RESOURCE_FORMATS,
  RESOURCE_KINDS,
  type ResourceKind,
} from "./resources";
export { maxRisk, riskLevelOf, riskTags } from "./risk";
export {
  type BuildRoleInput,
  type BuiltRoleSpec,
  buildRoleSpec,
  contentHash,
  RESOURCE_PATTERN,
  type RoleBinding,
  roleHash,
} from "./role-builder";
export { type SearchResultDto, searchCatalog } from "./search-catalog";
export { type SearchFilters, SearchIndex } from "./search-index";
export {
  type CatalogSyncDto,
  listSyncTargets,
  type SyncCatalogInput,
  type SyncTargetDto,
  syncCatalogFromTarget,
} from "./sync";
export type { AccessLevel, CatalogEntry, CatalogRole, RiskTag } from "./types";
export { type Expansion, expandPermissions, suggest } from "./wildcard";
