/**
 * The cloud kinds and how they are named, for every layer (client components included: a pure module).
 * A new target kind is added to CLOUDS and these records in db/schema; everything else follows from them.
 */
export {
  type CloudPermissions,
  LATER_CLOUDS,
  type LaterCloud,
  permissionsOn,
} from "@/db/schema/cloud-permissions";
export { CLOUD_LABELS, CLOUD_SCOPES, CLOUDS, type Cloud } from "@/db/schema/enums";
