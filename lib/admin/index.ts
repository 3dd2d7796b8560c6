// The admin domain's public face: org-wide reads and the few admin-only writes behind /admin.
export {
  EXPIRY_GRACE_MS,
  getSystemHealth,
  PROVISIONING_STALE_MS,
  type StuckGrants,
  type SystemHealth,
} from "./health";
export { type AdminGrantRow, listActiveGrants } from "./list-active-grants";
export { APP_ROLE_LIST, ListActiveGrantsInput, ListUsersInput, SetLocalRolesInput } from "./schemas";
export { type LocalRolesDto, setLocalRoles } from "./set-local-roles";
export { type AdminGroupDto, type AdminUserDto, listGroups, listUsers } from "./users";
